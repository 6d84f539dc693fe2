"""Val only, dev protocol: S³POT variants trained (or not) on the first N train images vs the untrained model; each cut chosen on the same 200 val images.
Usage: python benchmarks/train_variants.py THREADS CONFIGS_JSON N_TRAIN   (after `dvc repro features`)
"""
import dataclasses, json, sys, time, tempfile
import torch
from s3pot.backbone import SamBackbone
from s3pot.evaluate import load_truth, predict_logits, choose_s3pot_threshold, score
from s3pot.losses import S3POTLoss
from s3pot.model import S3POT
from s3pot.pipeline import load_params
from s3pot.precompute import load_features
from s3pot.train import train_general, optimize_per_image

torch.set_num_threads(int(sys.argv[1]))
configs = json.loads(sys.argv[2])
n_train, n_val = int(sys.argv[3]), 200
p = load_params("params.yaml", "train_s3pot", "default")
sam = SamBackbone.from_pretrained("data/models/sam")
sub = lambda f, n: dataclasses.replace(f, ids=f.ids[:n], raw=f.raw[:n], ref=f.ref[:n], parse=f.parse[:n], diff=f.diff[:n])
full_train = load_features("data/features", "train")
train, val = sub(full_train, n_train), sub(load_features("data/features", "val"), n_val)
region = dict(region=p["model"]["region"], dilate=p["model"]["region_dilate"])
truth = load_truth("data/synth", "data/references", "val", val.ids, **region)

def build(**over):
    torch.manual_seed(p["seed"])
    m = S3POT(sam, **{**p["model"], **over}, seed=p["seed"]); m.fit_contrast(full_train, seed=p["seed"]); return m

def val_iou(m): return choose_s3pot_threshold(m, predict_logits(m, val, batch_size=32), truth, min_area=p["min_area"])

def loss_of(w): return S3POTLoss(weights=w, sharpness=p["loss"]["sharpness"])

def per_image(m, n=50, steps=30, lr=3e-3, patience=5, w=None):
    "Per-image vs general on the first n val images, both at the general model's val threshold."
    thr, _ = val_iou(m)
    t = time.time(); logits = []
    for i in range(n):
        r = val.rows([i])
        logits.append(optimize_per_image(m, r["raw"], r["ref"], r["parse"], r["diff"], loss=loss_of(w or p["loss"]["weights"]),
                                         steps=steps, lr=lr, patience=patience)["logits"])
    t_sub = load_truth("data/synth", "data/references", "val", val.ids[:n], **region)
    pi = score(m, torch.cat(logits), t_sub, min_area=p["min_area"], threshold=thr)[0].iou.mean()
    gen = score(m, predict_logits(m, sub(val, n)), t_sub, min_area=p["min_area"], threshold=thr)[0].iou.mean()
    print(f"  per-image {pi:.4f} vs general {gen:.4f} on {n} ({time.time()-t:.0f}s, steps {steps}, lr {lr}, patience {patience})", flush=True)

for cfg in configs:
    cfg = dict(cfg); epochs = cfg.pop("epochs", 1); lr = cfg.pop("lr", float(p["lr"])); w = cfg.pop("weights", p["loss"]["weights"])
    pis = cfg.pop("per_image", [])
    t = time.time(); m = build(**cfg)
    if epochs:
        hist = train_general(m, train, val, tempfile.mkdtemp(), loss=loss_of(w), epochs=epochs, batch_size=16, lr=lr,
                             weight_decay=float(p["weight_decay"]), patience=9, seed=p["seed"], progress=False)
        hist = hist[[c for c in hist.columns if c in ("epoch", "val_loss", "train_total")]].groupby("epoch").mean().round(4).to_dict("records")
    else: hist = None
    print(cfg, dict(epochs=epochs, lr=lr, w=w), "val (thr, iou)", val_iou(m), f"{time.time()-t:.0f}s", hist, flush=True)
    for pi in pis: per_image(m, **pi)
