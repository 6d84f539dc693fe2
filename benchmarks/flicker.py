"""How much do `s3pot segment`'s video masks flicker, with and without temporal smoothing?

A generated clip (`s3pot.video.synthetic_clip`): a rendered face drifting 2 px a frame right (and 1 px up and down)
under an occluder that stays where it is. Each clip is segmented twice, with smoothing (the face's crop tracked, the
occlusion probability averaged over frames) and with `--no-smooth`; the score is the mean IoU of consecutive frames'
masks inside the face (`s3pot.video.mask_flicker`; 1 is perfectly steady).

The models are tiny and random (as in nbs/32e_segmenter.ipynb), built here without any pipeline run: the numbers
measure temporal stability, not accuracy (a model wrong in the same way every frame scores 1). Prints a markdown table.

    .venv/bin/python benchmarks/flicker.py [--frames 24] [--seeds 0 5 9]
"""
from __future__ import annotations
import argparse, tempfile
from pathlib import Path

from _harness import table  # benchmarks/ is on sys.path when a script here runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=24, help="frames per clip (default 24)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 5, 9], help="rendered faces (default 0 5 9)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    from s3pot.inference import OcclusionSegmenter
    from s3pot.segmenter import tiny_models  # random tiny models: flicker is about the smoothing, not the masks
    from s3pot.video import clip_flicker
    with tempfile.TemporaryDirectory() as tmp:
        seg = OcclusionSegmenter.from_pretrained(tiny_models(Path(tmp)/"models"), steps=4)
        rows = []
        for seed in args.seeds:
            r = clip_flicker(seg, Path(tmp)/f"seed{seed}", n_frames=args.frames, seed=seed)
            rows.append([seed, r["no_smooth"]["covered"], r["no_smooth"]["iou"], r["smooth"]["iou"]])
    rows.append(["mean", *(sum(r[k] for r in rows) / len(rows) for k in (1, 2, 3))])
    print(f"Consecutive-frame mask IoU inside the face, {args.frames} frames, random tiny models (stability, not accuracy):\n")
    print(table(["face seed", "face share masked", "IoU --no-smooth", "IoU smoothed"], rows))


if __name__ == "__main__":
    main()
