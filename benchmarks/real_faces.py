"""Face detection on the real-photo check: BlazeFace (s3pot.faces' default) against OpenCV's Haar cascade.

The check (s3pot.data.shipped) is every real face photo that installed packages ship: three full-size portraits
(scikit-image's astronaut and cameraman, matplotlib's Grace Hopper), each clean and with 10 pasted real-texture
occluders (exact masks, five kinds in turn), and scikit-image's 100 LFW crops (25 px, enlarged into texture scenes:
small, blurry faces), each clean and with one occluder. Nothing is downloaded; photos of a package that is not
installed are skipped, and said so. Measures, per detector and source: detection rate on the clean and on the
occluded photos, the occluded rate by how much of the face box the occluder covers and by occluder kind, false alarms
on the 100 LFW non-face patches, and ms per image (one thread, mean over the whole check, after a warm-up call).
Prints markdown tables.

    .venv/bin/python benchmarks/real_faces.py [--seed 0] [--detectors blazeface haar]
"""
from __future__ import annotations
import argparse, os, time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per detector, as the CLI runs it
import cv2
import numpy as np

from _harness import table  # benchmarks/ is on sys.path when a script here runs
from s3pot.data.shipped import found, missing_packages, non_faces, real_photo_check
from s3pot.data import LABEL_ID
from s3pot.faces import MESH_PARTS, BlazeFace, HaarDetector, mesh_parse

DETECTORS = {"blazeface": lambda: BlazeFace(), "blazeface (no mesh)": lambda: BlazeFace(mesh=False),
             "blazeface + flip": lambda: BlazeFace(flip=True), "haar": lambda: HaarDetector()}
COVERAGE_BINS = ((0.0, 0.2), (0.2, 0.35), (0.35, 1.01))


def rate(hits) -> str:
    hits = list(hits)
    return f"{sum(hits)}/{len(hits)} ({100 * sum(hits) / max(len(hits), 1):.0f}%)" if hits else "–"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--detectors", nargs="+", default=list(DETECTORS), choices=list(DETECTORS))
    args = ap.parse_args()
    cv2.setNumThreads(1)
    if missing := missing_packages(): print(f"skipped the photos of {', '.join(missing)} (not installed)")
    check, negatives = real_photo_check(seed=args.seed), non_faces(seed=args.seed + 1)
    if not check: raise SystemExit("no shipped face photos are installed (pip install scikit-image matplotlib)")
    occluded = [s for s in check if s["occluded"]]
    print(f"{len(check)} photos ({len(occluded)} occluded, mean coverage of the face box "
          f"{np.mean([s['coverage'] for s in occluded]):.2f}), {len(negatives)} non-face patches, seed {args.seed}\n")
    rows, kinds, sources = [], sorted({s["kind"] for s in occluded}), ("portrait", "lfw", "all")
    by_kind = []
    for name in args.detectors:
        det = DETECTORS[name]()
        det(check[0]["image"])  # warm-up: model load
        t0, hits = time.perf_counter(), []
        for s in check: hits.append(found(det(s["image"]), s["box"]))
        ms = (time.perf_counter() - t0) / len(check) * 1000
        alarms = sum(len(det(im)) > 0 for im in negatives)
        hit = dict(zip(map(id, check), hits))
        for src in sources:
            part = [s for s in check if src in ("all", s["source"])]
            occ = [s for s in part if s["occluded"]]
            bins = [rate(hit[id(s)] for s in occ if lo <= s["coverage"] < hi) for lo, hi in COVERAGE_BINS]
            rows.append([name, src, rate(hit[id(s)] for s in part if not s["occluded"]), rate(hit[id(s)] for s in occ), *bins,
                         f"{alarms}/{len(negatives)}" if src == "all" else "", ms if src == "all" else ""])
        by_kind.append([name, *[rate(hit[id(s)] for s in occluded if s["kind"] == k) for k in kinds]])
    bin_names = [f"occluded, cover {lo:.0%}–{min(hi, 1):.0%}" for lo, hi in COVERAGE_BINS]
    print(table(["detector", "photos", "clean", "occluded", *bin_names, "false alarms", "ms / image"], rows))
    print()
    print(table(["detector (occluded, by kind)", *kinds], by_kind))
    print()
    print(mesh_under_occlusion(check, kinds))


def iou(a, b) -> float:
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


def mesh_under_occlusion(check: list[dict], kinds: list[str]) -> str:
    "A table: per occluder kind, the face oval IoU and the parts' mean IoU, occluded portrait's mesh vs the clean one's."
    det, rows, clean = BlazeFace(), [], {}
    for s in check:
        if s["source"] != "portrait": continue
        faces = [f for f in det(s["image"]) if found([f], s["box"])][:1]  # the face of the box, none when it is missed
        parse = mesh_parse(faces, s["image"].shape)
        if not s["occluded"]: clean[s["name"]] = parse; continue
        ref = clean[s["name"]]
        parts = [iou(parse == LABEL_ID[n], ref == LABEL_ID[n]) for n in MESH_PARTS]
        rows.append((s["kind"], iou(parse > 0, ref > 0), float(np.mean(parts))))
    if not rows: return "no portraits installed: no mesh measurement"
    per = [[k, len(v), float(np.mean([r[1] for r in v])), float(np.mean([r[2] for r in v]))]
           for k in kinds if (v := [r for r in rows if r[0] == k])]
    per.append(["all", len(rows), float(np.mean([r[1] for r in rows])), float(np.mean([r[2] for r in rows]))])
    return table(["portraits, occluder", "photos", "face oval IoU vs clean", "parts mIoU vs clean"], per)


if __name__ == "__main__":
    main()
