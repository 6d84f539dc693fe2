"""Does test-time augmentation help BlazeFace find occluded faces? Recall on the occluded photos of the real-photo check
against false alarms on its non-face patches, for single views and for consensus over views.

Views: the short- and full-range models, each on the photo, its mirror image and a CLAHE-equalised copy (6 views).
Detections of all views are clustered (IoU > 0.3); a cluster's score per view is that view's best score in it (0 where
the view found nothing), and the cluster is kept when a statistic of those 6 scores (mean, max, median, the mean of the
short-range views, or the best of the two unaugmented views) reaches the threshold.

    .venv/bin/python benchmarks/detector_tta.py [--seed 0]
"""
from __future__ import annotations
import argparse, os

os.environ.setdefault("OMP_NUM_THREADS", "1")
import cv2
import numpy as np

from _harness import table  # benchmarks/ is on sys.path when a script here runs
from s3pot.data.shipped import found, non_faces, real_photo_check
from s3pot.faces import BlazeFace, _unflip, box_iou

STATS = {"unaugmented (best of the 2 models)": lambda p: max(p[0], p[3]), "mean of 6": np.mean, "median of 6": np.median,
         "max of 6": np.max, "mean of the 3 short-range": lambda p: np.mean(p[:3])}
THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


def clahe(image: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(2.0, (8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def views(det: BlazeFace, image: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for model in ("short_range", "full_range"):
        out.append(det.detect(image, model))
        out.append(_unflip(*det.detect(np.ascontiguousarray(image[:, ::-1]), model), image.shape[1]))
        out.append(det.detect(clahe(image), model))
    return out


def clusters(vs, iou: float = 0.3) -> list[tuple[np.ndarray, np.ndarray]]:
    "(box (x, y, w, h), per-view best score (V,)) of each cluster of the views' detections, best first."
    boxes = np.concatenate([b for b, _ in vs]); scores = np.concatenate([s for _, s in vs])
    view = np.concatenate([np.full(len(s), i) for i, (_, s) in enumerate(vs)])
    order = np.argsort(-scores); boxes, scores, view = boxes[order], scores[order], view[order]
    out = []
    while len(scores):
        close = box_iou(boxes[0, :4], boxes[:, :4]) > iou; close[0] = True
        per_view = np.zeros(len(vs))
        for v, s in zip(view[close], scores[close]): per_view[v] = max(per_view[v], s)
        x0, y0, x1, y1 = boxes[0, :4]
        out.append((np.array([x0, y0, x1 - x0, y1 - y0]), per_view))
        boxes, scores, view = boxes[~close], scores[~close], view[~close]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    check, negatives = real_photo_check(seed=args.seed), non_faces(seed=args.seed + 1)
    det = BlazeFace(min_score=0.1, mesh=False)   # every detection above 0.1; the statistics below decide
    occluded = [s for s in check if s["occluded"]]
    found_in = [clusters(views(det, s["image"])) for s in occluded]
    alarms_in = [clusters(views(det, im)) for im in negatives]
    rows = []
    for name, stat in STATS.items():
        for t in THRESHOLDS:
            hits = [found([b for b, p in cs if stat(p) >= t], s["box"]) for cs, s in zip(found_in, occluded)]
            alarms = [any(stat(p) >= t for _, p in cs) for cs in alarms_in]
            rows.append([name, t, f"{np.mean(hits):.2f}", f"{np.mean(alarms):.2f}"])
    print(f"{len(occluded)} occluded photos, {len(negatives)} non-face patches, seed {args.seed}\n")
    print(table(["views and statistic", "threshold", "occluded found", "false alarms"], rows))


if __name__ == "__main__":
    main()
