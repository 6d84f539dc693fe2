"""RF's layout and refining pass, measured on val: L1 (and SSIM) to the clean face under the occluder and on the visible face.
Usage: python benchmarks/rf_layout.py [N_VAL=100]   (after `dvc repro references`: it reads the parser's parse maps and the trained RF)

Variants (RegionStyleGenerator options): the parser's layout as it is; the layout with the face's amodal hull filled (fill_hull);
filled + one refining pass at several colour thresholds (refine_tau); and, as an oracle, the renderer's clean layout.
"""
import sys
import pandas as pd
import torch
from s3pot.data import OcclusionDataset
from s3pot.images import read_labels
from s3pot.parsing import face_region
from s3pot.reference import load_reference_generator, region_scores

torch.set_num_threads(1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
val = OcclusionDataset("data/synth", "val", with_mask=True, with_clean=True)
refs = pd.read_parquet("data/references/references.parquet").query("split == 'val'").set_index("id")
variants = {"parser layout": dict(fill_hull=False, refine_tau=None), "filled hull": dict(fill_hull=True, refine_tau=None),
            **{f"filled + refine {t}": dict(fill_hull=True, refine_tau=t) for t in (0.08, 0.12, 0.2)}}
gens = {k: load_reference_generator("data/models/generator", **o) for k, o in variants.items()}
rows = []
with torch.no_grad():
    for i in range(min(n, len(val))):
        it = val[i]
        raw, parse = it["image"][None], torch.from_numpy(read_labels(f"data/references/{refs.parse[it['id']]}", 19)).long()[None]
        regions = {"occluded": it["mask"][None], "visible_face": ~it["mask"][None] & face_region(it["parse"])[None]}
        preds = {k: g(raw, parse) for k, g in gens.items()}
        preds["oracle: clean layout"] = gens["parser layout"](raw, it["parse"][None])
        rows += [dict(variant=k, **region_scores(v, it["clean"][None], regions)[0]) for k, v in preds.items()]
pd.set_option("display.width", 200)
print(f"val, first {n} images: L1 / SSIM to the clean face")
print(pd.DataFrame(rows).groupby("variant", sort=False).mean().round(4).to_string())
