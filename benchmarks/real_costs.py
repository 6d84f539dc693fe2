"""What would the real-backend ("paper") profile cost per image on this CPU, next to the embedded pipeline?

Measures:
  1. for each of SAM's official image encoders (`vit_b`, `vit_l`, `vit_h`), the seconds for one forward
     pass on a 1024 × 1024 image, its parameters and the peak resident memory of the process. The models
     are built by `segment_anything.sam_model_registry[kind](checkpoint=None)`: random weights, the same
     FLOPs as the released checkpoints, so nothing is downloaded;
  2. the per-image costs the embedded pipeline recorded in data/metrics/references.json and
     data/metrics/features.json (skipped if they are absent);
  3. from (1), the hours of encoder time per 10,000 samples, each sample needing two encodings
     (the raw photo and its reference image).
Each architecture runs in a fresh process, so that its peak memory is its own. Prints markdown tables.

    .venv/bin/python benchmarks/real_costs.py [--kinds vit_b vit_l vit_h] [--threads 1] [--repeats 2]

vit_h takes a minute or more per forward on one CPU thread; use --repeats 1 for a quicker run.
"""
from __future__ import annotations
import argparse, json, os, statistics, time
from pathlib import Path

from _harness import rss_mb, run_isolated, table  # benchmarks/ is on sys.path when a script here runs

KINDS = ("vit_b", "vit_l", "vit_h")
METRICS = (Path("data/metrics/references.json"), Path("data/metrics/features.json"))
ENCODINGS_PER_SAMPLE = 2  # raw photo + reference image




def worker(cfg: dict) -> dict:
    "Time one architecture's image encoder in this process."
    import torch
    from segment_anything import sam_model_registry
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    sam = sam_model_registry[cfg["kind"]](checkpoint=None).eval()
    params = sum(p.numel() for p in sam.image_encoder.parameters()) / 1e6
    loaded = rss_mb()
    x = torch.randn(1, 3, 1024, 1024)
    times = []
    with torch.inference_mode():
        for i in range(cfg["repeats"] + 1):  # the first run is a warm-up: first-call allocations
            t0 = time.perf_counter()
            sam.image_encoder(x)
            if i: times.append(time.perf_counter() - t0)
    return dict(cfg, seconds=statistics.median(times), times=times, params_m=params, rss_loaded_mb=loaded, rss_peak_mb=rss_mb())






def embedded_costs() -> list[list]:
    "Timing fields of the pipeline's metrics files: every key about seconds, speed, size or threads."
    rows = []
    for path in METRICS:
        if not path.is_file(): rows.append([str(path), "(absent)", ""]); continue
        m = json.loads(path.read_text())
        for k, v in m.items():
            if k == "seconds": rows += [[str(path), f"seconds.{s}", t] for s, t in v.items()]
            elif k in ("ms_per_image", "encodings_per_s", "n_images", "threads", "steps", "dtype"): rows.append([str(path), k, v])
        if "ms_per_image" in m: rows.append([str(path), "→ s per image (reference)", m["ms_per_image"] / 1e3])
        if "encodings_per_s" in m: rows.append([str(path), f"→ s per sample ({ENCODINGS_PER_SAMPLE} encodings)", ENCODINGS_PER_SAMPLE / m["encodings_per_s"]])
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS, help="SAM architectures (default all three)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--repeats", type=int, default=2, help="timed forwards after one warm-up (default 2)")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker: print(json.dumps(worker(json.loads(args.worker)))); return

    import torch
    print(f"torch {torch.__version__}, {args.threads} threads on {os.cpu_count()} CPUs; "
          f"1 warm-up + {args.repeats} timed forwards on a 1 × 3 × 1024 × 1024 image\n")
    results = [run_isolated(__file__, dict(kind=k, threads=args.threads, repeats=args.repeats)) for k in args.kinds]
    print("### SAM image encoder, one 1024 × 1024 image (random weights, official sizes)\n")
    print(table(["arch", "params M", "s/img (median)", "runs s", "RSS loaded MB", "peak RSS MB"],
                [[r["kind"], r["params_m"], r["seconds"], " ".join(f"{t:.1f}" for t in r["times"]), r["rss_loaded_mb"], r["rss_peak_mb"]]
                 for r in results]))

    print("\n### Embedded pipeline, from its metrics files\n")
    print(table(["file", "field", "value"], embedded_costs()))

    print(f"\n### Encoder time per 10,000 samples ({ENCODINGS_PER_SAMPLE} encodings each, {args.threads} threads on this CPU)\n")
    print(table(["arch", "s/img", "s/sample", "hours / 10,000 samples"],
                [[r["kind"], r["seconds"], ENCODINGS_PER_SAMPLE * r["seconds"], ENCODINGS_PER_SAMPLE * r["seconds"] * 10_000 / 3600]
                 for r in results]))


if __name__ == "__main__":
    main()
