"""The method page's data-flow picture: one synthetic face through RF → FE → PS → decoder.

    python docs/method_figure.py OUT.png

Made here in seconds from the package's renderer and tiny random-weight models, not from a pipeline run: the reference
is the renderer's clean face (what a perfect RF would give; the embedded RF needs `make repro` to be trained), the
SAM is a tiny random one, so the contrast, the candidates and the mask show *what flows*, not how well it works.
"""
import sys
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

SIZE, SEED, CATEGORY = 256, 3, "hand"


def flow(seed: int = SEED, size: int = SIZE, category: str = CATEGORY) -> dict:
    "Every picture of the flow for one rendered face: raw, reference, contrast, candidates, kept points, mask."
    torch.manual_seed(0)
    sam = SamBackbone(build_tiny_sam(image_size=size, embed_dim=32, depth=2, num_heads=2, window_size=4,
                                     global_attn_indexes=(1,), out_chans=32, decoder_heads=4, decoder_mlp_dim=64,
                                     iou_head_hidden_dim=32))
    s = render_sample(seed, size=size, category=category)
    to_t = lambda a: torch.from_numpy(a).permute(2, 0, 1)[None].float() / 255
    h, w = sam.grid
    parse = torch.from_numpy(s.parse)[None, None].float()
    parse_q = F.interpolate(parse, (4 * h, 4 * w), mode="nearest")[:, 0].long()   # the decoder's resolution
    model = S3POT(sam, k_pos=8, k_neg=8).eval()
    with torch.no_grad():
        raw, ref = sam.encode(to_t(s.image)), sam.encode(to_t(s.clean))
        out = model(raw, ref, parse_q)
    mask, _ = occlusion_masks(model, out["logits"], torch.from_numpy(s.parse)[None].long())
    c = out["candidates"]
    return dict(sample=s, sim=out["sim"][0].numpy(), region=out["region"][0].numpy(), points=c.points[0].numpy(),
                labels=c.labels[0].numpy(), keep=out["keep"][0].numpy(), mask=mask[0], scale=size / sam.image_size)


def draw(f: dict, path: Path):
    s = f["sample"]
    fig, axs = plt.subplots(1, 5, figsize=(12.5, 3.0))
    titles = ["raw photo", "reference (RF)", "contrast C (FE)", "candidates (PS)", "occlusion mask M"]
    axs[0].imshow(s.image); axs[1].imshow(s.clean)
    n = s.image.shape[0]
    sim = np.where(f["region"], f["sim"], np.nan)
    axs[2].imshow(s.image, alpha=0.35)
    im = axs[2].imshow(sim, cmap="magma", extent=(0, n, n, 0), alpha=0.85)
    fig.colorbar(im, ax=axs[2], fraction=0.046, pad=0.02, label="cosine raw · reference")
    axs[3].imshow(s.image)
    pts, lab = f["points"] * f["scale"], f["labels"]
    axs[3].plot(*pts[lab == 1].T, "g+", ms=7, mew=2, label="+ visible face")
    axs[3].plot(*pts[lab == 0].T, "rx", ms=6, mew=2, label="− occlusion")
    kept = f["keep"][f["keep"] >= 0]
    axs[3].plot(*pts[kept].T, "o", mfc="none", mec="white", ms=10, label="kept by the screen")
    axs[3].legend(fontsize=6, loc="lower left", framealpha=0.7)
    over = s.image.copy(); over[f["mask"]] = (0.4 * over[f["mask"]] + 0.6 * np.array([255, 0, 255])).astype(np.uint8)
    axs[4].imshow(over)
    for ax, t in zip(axs, titles): ax.set_title(t, fontsize=10); ax.axis("off")
    fig.suptitle("one synthetic face through S³POT (tiny random-weight SAM; reference = the renderer's clean face)", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    torch.set_num_threads(1)
    draw(flow(), Path(sys.argv[1] if len(sys.argv) > 1 else "method_flow.png"))
