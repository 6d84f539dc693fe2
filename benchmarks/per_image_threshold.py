"""Per-image S³POT at its own val threshold vs at the general model's: thresholds chosen on val rows [n, 2n), scored on val rows [0, n).
Usage: python benchmarks/per_image_threshold.py THREADS N "{}" "dict(lr=3e-4)" ...   (after `dvc repro features`)
"""
import dataclasses, sys, time, torch, numpy as np
from s3pot.backbone import SamBackbone
from s3pot.evaluate import load_truth, predict_logits, choose_s3pot_threshold, score
from s3pot.losses import S3POTLoss
from s3pot.model import S3POT
from s3pot.pipeline import load_params
from s3pot.precompute import load_features
from s3pot.train import optimize_per_image
torch.set_num_threads(int(sys.argv[1])); n = int(sys.argv[2]); cfgs = [eval(a) for a in sys.argv[3:]]
p = load_params("params.yaml", "train_s3pot", "default")
sam = SamBackbone.from_pretrained("data/models/sam")
sub = lambda f, a, b: dataclasses.replace(f, ids=f.ids[a:b], raw=f.raw[a:b], ref=f.ref[a:b], parse=f.parse[a:b], diff=f.diff[a:b])
val = load_features("data/features", "val")
region = dict(region=p["model"]["region"], dilate=p["model"]["region_dilate"])
m = S3POT(sam, **p["model"], seed=p["seed"]); m.fit_contrast(load_features("data/features", "train"), seed=p["seed"]); m.eval()
def pi_logits(rows, steps, lr, patience, w):
    out = []
    for i in range(rows[0], rows[1]):
        r = val.rows([i])
        out.append(optimize_per_image(m, r["raw"], r["ref"], r["parse"], r["diff"], loss=S3POTLoss(weights=w, sharpness=p["loss"]["sharpness"]),
                                      steps=steps, lr=lr, patience=patience)["logits"])
    return torch.cat(out)
pick, test = (n, 2 * n), (0, n)
tp, tt = (load_truth("data/synth", "data/references", "val", val.ids[a:b], **region) for a, b in (pick, test))
gthr, _ = choose_s3pot_threshold(m, predict_logits(m, sub(val, *pick)), tp, min_area=p["min_area"])
g = score(m, predict_logits(m, sub(val, *test)), tt, min_area=p["min_area"], threshold=gthr)[0].iou.mean()
print(f"general: thr {gthr:.3f} val[0:{n}] {g:.4f}", flush=True)
for c in cfgs:
    t = time.time(); c = {**dict(steps=30, lr=3e-3, patience=5, w=p["loss"]["weights"]), **c}
    thr, _ = choose_s3pot_threshold(m, pi_logits(pick, **c), tp, min_area=p["min_area"])
    lt = pi_logits(test, **c)
    own = score(m, lt, tt, min_area=p["min_area"], threshold=thr)[0].iou.mean()
    at_g = score(m, lt, tt, min_area=p["min_area"], threshold=gthr)[0].iou.mean()
    print(c, f"per-image: own thr {thr:.3f} -> {own:.4f}; at general's thr {at_g:.4f} ({time.time()-t:.0f}s)", flush=True)
