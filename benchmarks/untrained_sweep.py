"""Untrained S³POT configurations on all val images, each threshold from val (model choices on val only).
Usage: python benchmarks/untrained_sweep.py THREADS "dict(fuse=1.0)" "dict(z_neg=2.0)" ...   (after `dvc repro features`; ~1 min each)
"""
import sys, time, torch
from s3pot.backbone import SamBackbone
from s3pot.evaluate import load_truth, predict_logits, choose_s3pot_threshold
from s3pot.model import S3POT
from s3pot.pipeline import load_params
from s3pot.precompute import load_features
torch.set_num_threads(int(sys.argv[1])); cfgs = [eval(a) for a in sys.argv[2:]]
p = load_params("params.yaml", "train_s3pot", "default")
sam = SamBackbone.from_pretrained("data/models/sam")
train, val = load_features("data/features", "train"), load_features("data/features", "val")
truth = load_truth("data/synth", "data/references", "val", val.ids, region=p["model"]["region"], dilate=p["model"]["region_dilate"])
for c in cfgs:
    t = time.time(); torch.manual_seed(p["seed"])
    m = S3POT(sam, **{**p["model"], **c}, seed=p["seed"]); m.fit_contrast(train, seed=p["seed"]); m.eval()
    thr, iou = choose_s3pot_threshold(m, predict_logits(m, val, batch_size=32), truth, min_area=p["min_area"])
    print(c, f"val500 {iou:.4f} thr {thr:.3f} ({time.time()-t:.0f}s)", flush=True)
