"""The method page's data-flow picture (docs/method_figure.py), from tiny random models and from models saved in the
layout of a pipeline run's data/models/."""
import importlib.util
from pathlib import Path

import numpy as np
import torch

from s3pot.inference import tiny_models

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("s3pot_method_figure", ROOT/"docs"/"method_figure.py")
mf = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(mf)


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
