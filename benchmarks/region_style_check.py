"""A quick check of the region-style RF outside the pipeline: train it briefly on a synthetic dataset's clean train
faces, then score its references on the val split against the hidden clean face (L1 and SSIM under the occluder and
on the visible face), beside the raw photo and OpenCV inpainting given the true mask (a yardstick that knows the answer).
The parse map is the dataset's (the clean face's labels), as in the train_generator stage.

    .venv/bin/s3pot synth --out /tmp/dev_synth --train 800 --val 100 --test 0
    .venv/bin/python benchmarks/region_style_check.py /tmp/dev_synth [--steps 400] [--batch-size 8] [--threads 1]
"""
from __future__ import annotations
import argparse, time

import pandas as pd
import torch

from s3pot.data import OcclusionDataset
from s3pot.reference import inpaint, load_clean_faces, paste_region, region_scores
from s3pot.region_style import build_region_style, train_region_style


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--variant", default="small")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--n-val", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    gen = build_region_style(a.variant)
    faces, parses = load_clean_faces(a.data, gen.resolution, progress=False)
    t = time.perf_counter()
    hist = train_region_style(gen, steps=a.steps, batch_size=a.batch_size, lr=a.lr, warmup=30, data=(faces, parses), progress=False)
    print(f"{a.steps} steps of {a.batch_size} on {len(faces)} clean faces in {time.perf_counter() - t:.0f} s; final loss {hist[-1]['loss']:.4f}")
    val = OcclusionDataset(a.data, "val", with_mask=True, with_clean=True)
    rows = []
    for s in range(0, min(a.n_val, len(val)), 16):
        items = [val[i] for i in range(s, min(s + 16, a.n_val, len(val)))]
        raw, parse, clean, mask = (torch.stack([it[k] for it in items]) for k in ("image", "parse", "clean", "mask"))
        face = paste_region(parse, margin=0, feather=0)[:, 0] > 0.5
        regions = {"occluded": mask, "visible_face": ~mask & face}
        for name, pred in {"raw": raw, "inpaint (true mask)": inpaint(raw, mask, 7), "region_style": gen(raw, parse)}.items():
            rows += [dict(method=name, **r) for r in region_scores(pred, clean, regions)]
    print(pd.DataFrame(rows).groupby("method").mean().round(4).to_markdown())


if __name__ == "__main__":
    main()
