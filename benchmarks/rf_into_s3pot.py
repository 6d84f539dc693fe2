"""Does a better RF carry into S³POT? Untrained S³POT on the first 200 val images (threshold from those images, as train_variants),
its contrast statistics fitted on the first 1000 train images, with references from RF variants re-encoded here.
Usage: python benchmarks/rf_into_s3pot.py VARIANT...   VARIANT: cached (the references stage's) | parser | filled | refine
(after `dvc repro features`; about 2 min per variant on 2 cores)
"""
import dataclasses, sys
import numpy as np
import pandas as pd
import torch
from s3pot.backbone import SamBackbone
from s3pot.data import OcclusionDataset
from s3pot.evaluate import load_truth, predict_logits, choose_s3pot_threshold
from s3pot.images import read_labels
from s3pot.model import S3POT
from s3pot.pipeline import load_params
from s3pot.precompute import load_features, pixel_contrast
from s3pot.reference import load_reference_generator

torch.set_num_threads(2)
p = load_params("params.yaml", "train_s3pot", "default")
sam = SamBackbone.from_pretrained("data/models/sam")
table = pd.read_parquet("data/references/references.parquet")
OPTIONS = {"parser": dict(fill_hull=False, refine_tau=None), "filled": dict(fill_hull=True, refine_tau=None),
           "refine": dict(fill_hull=True, refine_tau=0.12)}
sub = lambda f, n: dataclasses.replace(f, ids=f.ids[:n], raw=f.raw[:n], ref=f.ref[:n], parse=f.parse[:n], diff=f.diff[:n])

@torch.no_grad()
def with_references(split, n, gen):
    "The first n cached rows of `split` with their reference tokens and colour difference recomputed from `gen`'s references."
    f, ds = sub(load_features("data/features", split), n), OcclusionDataset("data/synth", split)
    parse_of = table[table.split == split].set_index("id").parse
    ref, diff = [], []
    for s in range(0, n, 16):
        idx = range(s, min(n, s + 16))
        raw = torch.stack([ds[i]["image"] for i in idx])
        parse = torch.stack([torch.from_numpy(read_labels(f"data/references/{parse_of[f.ids[i]]}", 19)).long() for i in idx])
        r = gen(raw, parse)
        ref.append(sam.encode(r).half().numpy()); diff.append(pixel_contrast(raw, r, sam).half().numpy())
    return dataclasses.replace(f, ref=np.concatenate(ref), diff=np.concatenate(diff))

for variant in sys.argv[1:]:
    if variant == "cached": train, val = sub(load_features("data/features", "train"), 1000), sub(load_features("data/features", "val"), 200)
    else:
        gen = load_reference_generator("data/models/generator", **OPTIONS[variant])
        train, val = with_references("train", 1000, gen), with_references("val", 200, gen)
    truth = load_truth("data/synth", "data/references", "val", val.ids, region=p["model"]["region"], dilate=p["model"]["region_dilate"])
    torch.manual_seed(p["seed"])
    m = S3POT(sam, **p["model"], seed=p["seed"]); m.fit_contrast(train, seed=p["seed"]); m.eval()
    thr, iou = choose_s3pot_threshold(m, predict_logits(m, val, batch_size=32), truth, min_area=p["min_area"])
    print(f"{variant}: untrained S³POT val(200) IoU {iou:.4f} (threshold {thr:.3f})", flush=True)
