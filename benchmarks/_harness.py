"""What every benchmark script here shares: peak memory, one configuration per fresh process, markdown tables."""
from __future__ import annotations
import json, resource, subprocess, sys


def rss_mb() -> float:
    "Peak resident memory of this process so far, in MB (Linux reports KB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(script: str, cfg: dict) -> dict:
    "Run `script --worker CFG` in a fresh Python process (so its peak memory is its own) and return the JSON it prints last."
    out = subprocess.run([sys.executable, script, "--worker", json.dumps(cfg)], capture_output=True, text=True)
    if out.returncode: sys.exit(f"worker {cfg} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(header: list[str], rows: list[list]) -> str:
    "A markdown table; floats below 1000 keep 3 significant figures, larger ones none after the point."
    fmt = lambda v: f"{v:.3g}" if isinstance(v, float) and abs(v) < 1000 else f"{v:.0f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows])
