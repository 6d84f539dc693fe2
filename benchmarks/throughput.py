"""How fast does `s3pot.segmenter.OcclusionSegmenter` run on a CPU, and where does the time go?

Measures, for 256 × 256 face photos:
  1. images per second at batch sizes 1, 8 and 32, split by stage (detect, parse, RF, encoder ×2, FE, PS,
     decoder, the rest), with the resident memory after loading the models and at its peak;
  2. how the time grows with the number of images (batch size 8);
  3. how it grows with the input size (the models always see a crop at SAM's size; detection,
     cropping and pasting the mask back grow with the photo).
Each configuration runs in a fresh process, so that its peak memory is its own. Prints markdown tables.

    .venv/bin/python benchmarks/throughput.py [--models data/models] [--threads 2] [--quick]

Without trained models under --models it builds random ones of the default profile's sizes (parser
`tiny` at 128 px, reference UNet `small`, `build_tiny_sam()` at 256 px, the S³POT head of params.yaml):
the speed is that of the trained models, the masks are meaningless. Every photo goes through the models
(`fallback="full"`), whether or not the Haar cascade finds its face.

On a machine whose cores are busy with other work, use --threads 1: PyTorch's OpenMP threads wait for
each other by spinning, and with two threads on two shared cores the reference UNet ran 100× slower.
"""
from __future__ import annotations
import argparse, json, os, tempfile, time
from pathlib import Path

from _harness import rss_mb, run_isolated, table  # benchmarks/ is on sys.path when a script here runs

STAGES = {"detect": ["detect"], "parse": ["parse"], "RF": ["reference"], "encoder ×2": ["encode"], "FE": ["fe"],
          "PS": ["ps"], "decoder": ["decoder"], "rest": ["load", "crop", "post", "paste"]}
PARTS = ("sam", "parser", "generator", "s3pot")


def random_models(folder: Path) -> Path:
    "Random-weight models of the default profile's sizes, saved in the data/models layout."
    import torch
    from s3pot.backbone import SamBackbone, build_tiny_sam, save_sam
    from s3pot.model import S3POT, save_s3pot
    from s3pot.parsing import build_parser, save_parser
    from s3pot.reference import ReferenceGenerator, reference_unet_registry, save_generator
    torch.manual_seed(0)
    sam = build_tiny_sam(image_size=256)
    save_sam(sam, folder/"sam")
    save_parser(build_parser(variant="tiny", size=128), folder/"parser")
    save_generator(ReferenceGenerator(unet=reference_unet_registry["small"]()), folder/"generator")
    save_s3pot(S3POT(SamBackbone(sam)), folder/"s3pot")
    return folder




def worker(cfg: dict) -> dict:
    "Run one configuration in this process and return its measurements."
    import cv2, torch, warnings
    torch.set_num_threads(cfg["threads"]); cv2.setNumThreads(cfg["threads"])
    from s3pot.data.synth import render_sample
    from s3pot.inference import OcclusionSegmenter
    side = cfg["size"]
    photos = [render_sample(seed, size=256).image for seed in range(cfg["n"])]
    if side != 256: photos = [cv2.resize(p, (side, side), interpolation=cv2.INTER_CUBIC) for p in photos]
    base = rss_mb()
    seg = OcclusionSegmenter.from_pretrained(cfg["models"], fallback="full", steps=cfg["steps"])
    loaded = rss_mb()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no face found" for faces the detector misses: they go through the models anyway
        seg(photos[:min(2, cfg["batch_size"])], batch_size=cfg["batch_size"])  # warm-up: first-call allocations
        t0 = time.perf_counter()
        results = seg(photos, batch_size=cfg["batch_size"])
        seconds = time.perf_counter() - t0
    stages = {k: 1e3 * sum(r.timings.get(s, 0.0) for r in results for s in v) / len(results) for k, v in STAGES.items()}
    return dict(cfg, seconds=seconds, per_image_ms=1e3 * seconds / len(results), images_per_s=len(results) / seconds,
                stages_ms=stages, faces_found=sum(r.status == "ok" for r in results), rss_before_mb=base,
                rss_loaded_mb=loaded, rss_peak_mb=rss_mb())






def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", type=Path, default=Path("data/models"), help="trained models (default data/models); random ones if absent")
    ap.add_argument("--threads", type=int, default=2, help="torch and OpenCV threads (default 2)")
    ap.add_argument("--steps", type=int, default=20, help="DDIM steps of the reference generator (default 20, params.yaml references)")
    ap.add_argument("--quick", action="store_true", help="fewer images and sizes (a couple of minutes)")
    ap.add_argument("--json", type=Path, default=None, help="also write every measurement to this JSON file")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker: print(json.dumps(worker(json.loads(args.worker)))); return

    tmp = None
    if all((args.models/p).exists() for p in PARTS) or (args.models/"segmenter.json").is_file(): models, kind = args.models, "trained"
    else:
        tmp = tempfile.TemporaryDirectory(prefix="s3pot-bench-")
        models, kind = random_models(Path(tmp.name)), "random, default sizes"
    import torch
    print(f"models: {models} ({kind}); torch {torch.__version__}, {args.threads} threads on {os.cpu_count()} CPUs; "
          f"RF {args.steps} DDIM steps × strength 0.7\n")
    common = dict(models=str(models), threads=args.threads, steps=args.steps)
    batches = [(1, 4), (8, 8), (32, 32)] if args.quick else [(1, 16), (8, 32), (32, 64)]
    counts = [8, 32] if args.quick else [8, 16, 32, 64]
    sizes = [256, 1024] if args.quick else [256, 512, 1024, 2048]
    log = {"batch": [], "count": [], "size": []}

    for bs, n in batches:
        log["batch"].append(run_isolated(__file__, dict(common, batch_size=bs, n=n, size=256)))
    print("### Throughput by batch size (256 × 256 photos)\n")
    print(table(["batch", "images", "img/s", "ms/img", *[f"{k} ms" for k in STAGES], "faces found", "RSS imports MB",
                 "+ models MB", "peak RSS MB"],
                [[r["batch_size"], r["n"], r["images_per_s"], r["per_image_ms"], *r["stages_ms"].values(),
                  f"{r['faces_found']}/{r['n']}", r["rss_before_mb"], r["rss_loaded_mb"] - r["rss_before_mb"], r["rss_peak_mb"]]
                 for r in log["batch"]]))

    for n in counts:
        log["count"].append(run_isolated(__file__, dict(common, batch_size=8, n=n, size=256)))
    xs, ys = [r["n"] for r in log["count"]], [r["seconds"] for r in log["count"]]
    slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    print(f"\n### Time by number of images (batch 8, 256 × 256): {slope:.3f} s per extra image, "
          f"{ys[0] - slope * xs[0]:+.2f} s fixed\n")
    print(table(["images", "seconds", "ms/img", "RSS peak MB"], [[r["n"], r["seconds"], r["per_image_ms"], r["rss_peak_mb"]] for r in log["count"]]))

    for side in sizes:
        log["size"].append(run_isolated(__file__, dict(common, batch_size=8, n=8, size=side)))
    print("\n### Time by input size (batch 8, 8 photos; the models always see a crop at SAM's size)\n")
    print(table(["input", "ms/img", "detect ms", "rest ms (load, crop, post, paste)", "models ms", "RSS peak MB"],
                [[f"{r['size']}²", r["per_image_ms"], r["stages_ms"]["detect"], r["stages_ms"]["rest"],
                  sum(v for k, v in r["stages_ms"].items() if k not in ("detect", "rest")), r["rss_peak_mb"]] for r in log["size"]]))
    if args.json: args.json.write_text(json.dumps(log, indent=2))
    if tmp: tmp.cleanup()


if __name__ == "__main__":
    main()
