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


def tiny_models(folder: Path) -> Path:
    "Random tiny models in the data/models layout (those of nbs/32e_segmenter.ipynb)."
    import torch
    from s3pot.backbone import SamBackbone, build_tiny_sam, save_sam
    from s3pot.model import S3POT, save_s3pot
    from s3pot.parsing import build_parser, save_parser
    from s3pot.reference import ReferenceGenerator, reference_unet_registry, save_generator
    torch.manual_seed(0)
    sam = build_tiny_sam(image_size=64, embed_dim=32, depth=2, num_heads=2, window_size=4, global_attn_indexes=(1,),
                         out_chans=32, decoder_heads=4, decoder_mlp_dim=64, iou_head_hidden_dim=32)
    save_sam(sam, folder/"sam")
    parser = build_parser(variant="tiny", size=64, seed=0)
    with torch.no_grad(): parser.head.bias[1] += 2.0  # lean towards "skin", so that a random parser still sees a face region
    save_parser(parser, folder/"parser")
    save_generator(ReferenceGenerator(unet=reference_unet_registry["tiny"]()), folder/"generator")
    save_s3pot(S3POT(SamBackbone(sam), k_pos=4, k_neg=4), folder/"s3pot")
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=24, help="frames per clip (default 24)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 5, 9], help="rendered faces (default 0 5 9)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    from s3pot.inference import OcclusionSegmenter
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
