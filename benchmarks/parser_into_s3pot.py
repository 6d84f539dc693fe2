"""A parser carried through RF into untrained S³POT: RF's L1 to the clean face on the first 200 val images, the share of occluder
pixels the parser labels face, and untrained S³POT's val(200) IoU (contrast fitted on the first 1000 train rows, threshold from
those val images, search region from this parser). Reads the trained RF and SAM of data/models and the cached raw tokens.
Usage: python benchmarks/parser_into_s3pot.py PARSER_DIR THREADS SCRATCH_DIR [COVER_P]
  with COVER_P, first trains a parser with the train_parser stage's params and that cover_p into PARSER_DIR (6 min on 2 cores);
  e.g. `... /tmp/parser0 2 /tmp/refs0 0` is the parser without shapes, `data/models/parser 2 /tmp/refs` the stage's.
"""
import dataclasses, sys, numpy as np, pandas as pd, torch
from pathlib import Path
from s3pot.backbone import SamBackbone
from s3pot.data import OcclusionDataset
from s3pot.evaluate import load_truth, predict_logits, choose_s3pot_threshold
from s3pot.images import write_png
from s3pot.model import S3POT
from s3pot.parsing import FaceParser, face_region
from s3pot.pipeline import load_params
from s3pot.precompute import load_features, pixel_contrast, parse_in_frame
from s3pot.reference import load_reference_generator, region_scores
torch.set_num_threads(int(sys.argv[2])); parser_dir = sys.argv[1]; out = Path(sys.argv[3])
if len(sys.argv) > 4:
    from s3pot.parsing import build_parser, save_parser, train_parser
    q = load_params("params.yaml", "train_parser", "default")
    net = build_parser(variant=q["variant"], size=q["size"], seed=q["seed"])
    train_parser(net, "data/synth", steps=q["steps"], batch_size=q["batch_size"], lr=q["lr"], seed=q["seed"], cover_p=float(sys.argv[4]), workers=1)
    save_parser(net, parser_dir)
p = load_params("params.yaml", "train_s3pot", "default")
sam = SamBackbone.from_pretrained("data/models/sam"); parser = FaceParser.from_pretrained(parser_dir)
gen = load_reference_generator("data/models/generator")
sub = lambda f, n: dataclasses.replace(f, ids=f.ids[:n], raw=f.raw[:n], ref=f.ref[:n], parse=f.parse[:n], diff=f.diff[:n])
rows, scores = [], []
@torch.no_grad()
def rebuilt(split, n):
    f = sub(load_features("data/features", split), n)
    ds = OcclusionDataset("data/synth", split, with_mask=split != "train", with_clean=split != "train")
    ref, diff, parse_f = [], [], []
    for s in range(0, n, 16):
        items = [ds[i] for i in range(s, min(n, s + 16))]
        raw = torch.stack([it["image"] for it in items]); parse = parser(raw); r = gen(raw, parse)
        ref.append(sam.encode(r).half().numpy()); diff.append(pixel_contrast(raw, r, sam).half().numpy()); parse_f.append(parse_in_frame(parse, sam).numpy())
        if split == "val":
            for it, pa, ri in zip(items, parse, r):
                write_png(out/f"{it['id']}.png", pa.to(torch.uint8).numpy()); rows.append(dict(id=it["id"], split="val", parse=f"{it['id']}.png", reference=""))
                regions = {"occluded": it["mask"][None], "visible_face": ~it["mask"][None] & face_region(it["parse"])[None]}
                scores.append(dict(**region_scores(ri[None], it["clean"][None], regions)[0],
                                   labelled_face=float(face_region(pa)[it["mask"] & face_region(it["parse"])].float().mean()) if (it["mask"] & face_region(it["parse"])).any() else np.nan))
    return dataclasses.replace(f, ref=np.concatenate(ref), diff=np.concatenate(diff), parse=np.concatenate(parse_f))
out.mkdir(parents=True, exist_ok=True)
train, val = rebuilt("train", 1000), rebuilt("val", 200)
pd.DataFrame(rows).to_parquet(out/"references.parquet")
print(parser_dir, "RF on val200:", pd.DataFrame(scores).mean().round(4).to_dict(), flush=True)
truth = load_truth("data/synth", out, "val", val.ids, region=p["model"]["region"], dilate=p["model"]["region_dilate"])
torch.manual_seed(p["seed"]); m = S3POT(sam, **p["model"], seed=p["seed"]); m.fit_contrast(train, seed=p["seed"]); m.eval()
thr, iou = choose_s3pot_threshold(m, predict_logits(m, val, batch_size=32), truth, min_area=p["min_area"])
print(parser_dir, f"untrained S³POT val(200) IoU {iou:.4f} (threshold {thr:.3f})", flush=True)
