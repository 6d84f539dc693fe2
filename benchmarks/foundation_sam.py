"""What the foundation SAM costs next to the tiny ViT SAM it replaces: parameters, FLOPs and ms per image.

For each SAM at 256 px: parameters of the image encoder, prompt encoder and mask decoder; FLOPs of one
encoder pass and of one decoder pass with 16 points (counted by torch.utils.flop_counter); milliseconds
per image for the encoder at batch 1 and 8, and per prompt for the decoder. Each model runs in a fresh
process. Prints a markdown table.

    .venv/bin/python benchmarks/foundation_sam.py [--threads 2] [--repeats 5]

On a machine whose cores are busy, use --threads 1 (OpenMP threads that lose their core stall each other).
"""
from __future__ import annotations
import argparse, json, sys, time

from _harness import rss_mb, run_isolated, table  # benchmarks/ is on sys.path when a script here runs

MODELS = {"tiny ViT (16×16 grid, before)": "tiny", "foundation (32×32 grid, shipped)": "foundation"}


def worker(cfg: dict) -> dict:
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from s3pot.backbone import SamBackbone, sam_registry
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    bb = SamBackbone(sam_registry[cfg["kind"]]()).eval()
    params = {n: sum(p.numel() for p in getattr(bb.sam, n).parameters()) / 1e6 for n in ("image_encoder", "prompt_encoder", "mask_decoder")}
    x = torch.rand(8, 3, 256, 256)
    pts, lab = torch.rand(1, 16, 2) * 256, torch.cat([torch.ones(1, 8), torch.zeros(1, 8)], 1)
    # FLOPs with autograd on: the counter's module tracker needs grad functions (nothing is backpropagated)
    with FlopCounterMode(display=False) as fc: emb = bb.encode(x[:1])
    enc_flops = fc.get_total_flops()
    with FlopCounterMode(display=False) as fc: bb.decode(emb.detach().requires_grad_(), pts, lab)
    dec_flops = fc.get_total_flops()
    with torch.no_grad():
        def ms(fn, n):
            fn(); t = time.perf_counter()
            for _ in range(cfg["repeats"]): fn()
            return (time.perf_counter() - t) / cfg["repeats"] / n * 1000
        enc1 = ms(lambda: bb.encode(x[:1]), 1)
        enc8 = ms(lambda: bb.encode(x), 8)
        emb8 = bb.encode(x)
        many = torch.rand(8, 16, 2) * 256
        dec = ms(lambda: bb.decode(emb8, many, lab.repeat(8, 1)), 8)
    return dict(grid=bb.grid[0], params=params, enc_gflops=enc_flops / 1e9, dec_gflops=dec_flops / 1e9,
                enc_ms_b1=enc1, enc_ms_b8=enc8, dec_ms=dec, rss_mb=rss_mb())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--worker")
    a = ap.parse_args()
    if a.worker: print(json.dumps(worker(json.loads(a.worker)))); return
    rows = []
    for name, kind in MODELS.items():
        r = run_isolated(__file__, dict(kind=kind, threads=a.threads, repeats=a.repeats))
        p = r["params"]
        rows.append([name, f"{r['grid']}×{r['grid']}", p["image_encoder"], p["prompt_encoder"] + p["mask_decoder"], r["enc_gflops"],
                     r["dec_gflops"], r["enc_ms_b1"], r["enc_ms_b8"], r["dec_ms"], r["rss_mb"]])
    print(f"256 px, {a.threads} torch thread(s), mean of {a.repeats} runs")
    print(table(["SAM", "grid", "encoder M params", "prompt enc + decoder M", "encoder GFLOPs/img", "decoder GFLOPs/prompt (16 pts)",
                 "encoder ms/img b1", "encoder ms/img b8", "decoder ms/prompt", "peak RSS MB"], rows))


if __name__ == "__main__":
    sys.exit(main())
