"""The method page's data-flow picture: one synthetic face through RF → FE → PS → decoder.

    python docs/method_figure.py OUT.png [--models data/models]

With the trained models of a pipeline run (`data/models/`, as `OcclusionSegmenter.from_pretrained` loads them) the
picture shows them at work. Without a run it is made in seconds from the package's renderer and a tiny random-weight
SAM: the reference is then the renderer's clean face (what a perfect RF would give), and the contrast, candidates and
mask show *what flows*, not how well it works. Either way the caption file (OUT with .md, or --caption) says which.
"""
import argparse
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from s3pot.backbone import SamBackbone, build_tiny_sam
from s3pot.data.synth import render_sample
from s3pot.model import S3POT, occlusion_masks
from s3pot.precompute import parse_in_frame

SEED, CATEGORY = 3, "hand"


def _flow(model: S3POT, image: np.ndarray, parse: torch.Tensor, ref: torch.Tensor, *, min_area: float = 0.01) -> dict:
    "FE → PS → decoder on one crop (S, S, 3) uint8 with its parse map (1, S, S) and reference (1, 3, S, S) in [0, 1]."
    bb = model.backbone
    x = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        raw_emb, ref_emb = bb.encode(torch.cat([x, ref])).chunk(2)
        out = model(raw_emb, ref_emb, parse_in_frame(parse, bb))
        mask, _ = occlusion_masks(model, out["logits"], parse, min_area=min_area)
    c = out["candidates"]
    return dict(image=image, reference=(ref[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8),
                sim=out["sim"][0].numpy(), region=out["region"][0].numpy(), points=c.points[0].numpy(),
                labels=c.labels[0].numpy(), keep=out["keep"][0].numpy(), mask=mask[0], scale=image.shape[0] / bb.image_size)


def tiny_flow(size: int = 256, seed: int = SEED, category: str = CATEGORY) -> dict:
    "The flow with a tiny random SAM, the renderer's parse map and its clean face standing in for parser and RF."
    torch.manual_seed(0)
    sam = SamBackbone(build_tiny_sam(image_size=size, embed_dim=32, depth=2, num_heads=2, window_size=4,
                                     global_attn_indexes=(1,), out_chans=32, decoder_heads=4, decoder_mlp_dim=64,
                                     iou_head_hidden_dim=32))
    s = render_sample(seed, size=size, category=category)
    ref = torch.from_numpy(s.clean).permute(2, 0, 1)[None].float() / 255
    return _flow(S3POT(sam, k_pos=8, k_neg=8).eval(), s.image, torch.from_numpy(s.parse)[None].long(), ref)


def trained_flow(models: Path, seed: int = SEED, category: str = CATEGORY) -> dict:
    "The flow with the models of a pipeline run: their parser, RF, SAM and trained head, on a face at SAM's input size."
    from s3pot.inference import OcclusionSegmenter
    seg = OcclusionSegmenter.from_pretrained(models)
    s = render_sample(seed, size=seg.size, category=category)
    x = torch.from_numpy(s.image).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        parse = seg.parser(x)
        ref = seg.generator(x, parse, strength=seg.strength, steps=seg.steps, seed=[seg.seed]).cpu()
    return _flow(seg.model, s.image, parse.cpu(), ref, min_area=seg.min_area)


def draw(f: dict, path: Path, title: str):
    fig, axs = plt.subplots(1, 5, figsize=(12.5, 3.0))
    n = f["image"].shape[0]
    axs[0].imshow(f["image"]); axs[1].imshow(f["reference"])
    axs[2].imshow(f["image"], alpha=0.35)
    im = axs[2].imshow(np.where(f["region"], f["sim"], np.nan), cmap="magma", extent=(0, n, n, 0), alpha=0.85)
    fig.colorbar(im, ax=axs[2], fraction=0.046, pad=0.02, label="cosine raw · reference")
    axs[3].imshow(f["image"])
    pts, lab = f["points"] * f["scale"], f["labels"]
    axs[3].plot(*pts[lab == 1].T, "g+", ms=7, mew=2, label="+ visible face")
    axs[3].plot(*pts[lab == 0].T, "rx", ms=6, mew=2, label="− occlusion")
    kept = f["keep"][f["keep"] >= 0]
    axs[3].plot(*pts[kept].T, "o", mfc="none", mec="white", ms=10, label="kept by the screen")
    axs[3].legend(fontsize=6, loc="lower left", framealpha=0.7)
    over = f["image"].copy()
    over[f["mask"]] = (0.4 * over[f["mask"]] + 0.6 * np.array([255, 0, 255])).astype(np.uint8)
    axs[4].imshow(over)
    for ax, t in zip(axs, ["raw photo", "reference (RF)", "contrast C (FE)", "candidates (PS)", "occlusion mask M"]):
        ax.set_title(t, fontsize=10); ax.axis("off")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


CAPTIONS = {
    "trained": ("the models of this clone's pipeline run (`{models}`): its parser, its RF, its SAM and the trained S³POT "
                "head, on a synthetic test face"),
    "tiny": ("**not from a pipeline run** (this clone has none: `make repro` trains the models): the reference is the "
             "renderer's clean face, what a perfect RF would give, and SAM is a tiny random-weight model, so the "
             "contrast, the candidates and the mask show what flows from stage to stage, not how well the trained "
             "models do"),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--models", type=Path, default=Path("data/models"), help="a pipeline run's models (if there)")
    ap.add_argument("--caption", type=Path, help="where the caption goes (default: OUT with .md)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    if (a.models/"s3pot").is_dir() or (a.models/"segmenter.json").is_file():
        kind, f = "trained", trained_flow(a.models)
        title = "one synthetic face through S³POT (the trained models of this clone's pipeline run)"
    else:
        kind, f = "tiny", tiny_flow()
        title = "one synthetic face through S³POT (tiny random-weight SAM; reference = the renderer's clean face)"
    draw(f, a.out, title)
    (a.caption or a.out.with_suffix(".md")).write_text(CAPTIONS[kind].format(models=a.models) + "\n")
    print(f"{a.out}: {kind} models")
    return kind


if __name__ == "__main__":
    main()
