"""The method page's data-flow picture (docs/method_figure.py), from tiny random models and from models saved in the
layout of a pipeline run's data/models/."""
import importlib.util
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("s3pot_method_figure", ROOT/"docs"/"method_figure.py")
mf = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(mf)


def tiny_models(folder: Path, seed: int = 0) -> Path:
    "Random tiny models in the layout of data/models/."
    # Copied from nbs/32_inference.ipynb (tiny_models): the notebook's lesson helper is not exported.
    from s3pot.backbone import build_tiny_sam, save_sam, SamBackbone
    from s3pot.model import S3POT, save_s3pot
    from s3pot.parsing import build_parser, save_parser
    from s3pot.reference import ReferenceGenerator, reference_unet_registry, save_generator
    torch.manual_seed(seed)
    sam = build_tiny_sam(image_size=64, embed_dim=32, depth=2, num_heads=2, window_size=4, global_attn_indexes=(1,),
                         out_chans=32, decoder_heads=4, decoder_mlp_dim=64, iou_head_hidden_dim=32)
    save_sam(sam, folder/"sam")
    parser = build_parser(variant="tiny", size=64, seed=seed)
    with torch.no_grad(): parser.head.bias[1] += 2.0  # lean towards "skin", so that a random parser still sees a face region
    save_parser(parser, folder/"parser")
    save_generator(ReferenceGenerator(unet=reference_unet_registry["tiny"]()), folder/"generator")
    save_s3pot(S3POT(SamBackbone(sam), k_pos=4, k_neg=4), folder/"s3pot")
    return folder


def check_flow(f: dict, size: int):
    assert f["image"].shape == f["reference"].shape == (size, size, 3)
    assert f["mask"].shape == (size, size) and f["mask"].dtype == bool
    assert f["sim"].shape == f["region"].shape and np.isfinite(f["sim"]).all()
    valid = f["labels"] >= 0
    assert valid.any() and set(np.unique(f["labels"][valid])) <= {0, 1}
    kept = f["keep"][f["keep"] >= 0]
    assert len(kept) and valid[kept].all()  # the screen keeps real candidates, never padding


def test_tiny_flow_without_a_run(tmp_path):
    torch.set_num_threads(1)
    f = mf.tiny_flow(size=128)
    check_flow(f, 128)
    s = mf.render_sample(mf.SEED, size=128, category=mf.CATEGORY)
    np.testing.assert_array_equal(f["reference"], s.clean)      # the stand-in reference is the clean face
    occluded = s.mask[::16, ::16][f["region"]]                   # tokens under the hand vs visible ones
    assert f["sim"][f["region"]][occluded].mean() < f["sim"][f["region"]][~occluded].mean()


def test_main_picks_the_trained_models_when_there(tmp_path):
    torch.set_num_threads(1)
    out = tmp_path/"flow.png"
    assert mf.main([str(out), "--models", str(tmp_path/"none")]) == "tiny"
    assert "not from a pipeline run" in out.with_suffix(".md").read_text()
    models = tiny_models(tmp_path/"models")
    check_flow(mf.trained_flow(models), 64)
    assert mf.main([str(out), "--models", str(models), "--caption", str(tmp_path/"c.md")]) == "trained"
    assert "pipeline run" in (tmp_path/"c.md").read_text() and out.stat().st_size > 10_000
