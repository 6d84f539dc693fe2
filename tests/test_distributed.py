"""Two gloo ranks under torchrun give what the single-process smoke pipeline gave: references, features, training."""
import shutil
import sys

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import run


def s3pot_on_two_ranks(repo, *args):
    "Run `s3pot ARGS` as two local CPU ranks (gloo) under torchrun, in the smoke repository."
    script = shutil.which("s3pot")
    assert script, "the s3pot command is not installed"
    return run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", script, *map(str, args),
                "--profile", "smoke"], repo)


def test_sharded_references(smoke_repo, tmp_path):
    data = smoke_repo/"data"
    s3pot_on_two_ranks(smoke_repo, "references", "--data", data/"synth", "--parser", data/"models/parser",
                       "--generator", data/"models/generator", "--out", tmp_path/"refs")
    single, sharded = pd.read_parquet(data/"references/references.parquet"), pd.read_parquet(tmp_path/"refs/references.parquet")
    pd.testing.assert_frame_equal(single, sharded)
    from s3pot.images import read_image, read_labels
    for parse, ref in zip(single.parse, single.reference):
        assert (read_labels(data/"references"/parse, 19) == read_labels(tmp_path/"refs"/parse, 19)).all()
        # seeded per image: the same reference whatever rank or batch made it, to one grey level of float rounding
        assert np.abs(read_image(data/"references"/ref).astype(int) - read_image(tmp_path/"refs"/ref).astype(int)).max() <= 1


def test_sharded_features(smoke_repo, tmp_path):
    data = smoke_repo/"data"
    s3pot_on_two_ranks(smoke_repo, "features", "--data", data/"synth", "--references", data/"references",
                       "--sam", data/"models/sam_tiny", "--out", tmp_path/"feats")
    from s3pot.precompute import load_features
    assert not (tmp_path/"feats/.shards").exists(), "the shards were not merged"
    for split in ("train", "val", "test"):
        single, sharded = load_features(data/"features", split), load_features(tmp_path/"feats", split)
        assert single.ids == sharded.ids
        assert (np.asarray(single.parse) == np.asarray(sharded.parse)).all()
        for a, b in ((single.raw, sharded.raw), (single.ref, sharded.ref)):  # float16 on disk; batches differ by rank
            np.testing.assert_allclose(np.asarray(a, np.float32), np.asarray(b, np.float32), atol=1e-2)


def test_ddp_training_follows_single_process(smoke_repo, tmp_path):
    "DDP on two ranks takes the same steps as one process on the same global batches: the same log and weights."
    data = smoke_repo/"data"
    params = yaml.safe_load((smoke_repo/"params.yaml").read_text())
    params["train_s3pot"].update(devices=2, strategy="ddp")
    (tmp_path/"params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    s3pot_on_two_ranks(smoke_repo, "train", "--params", tmp_path/"params.yaml", "--features", data/"features",
                       "--sam", data/"models/sam_tiny", "--run-dir", tmp_path/"runs", "--out", tmp_path/"s3pot", "--quiet")
    from s3pot.train import read_history
    (single_run,) = (data/"checkpoints/train_s3pot").iterdir()
    (ddp_run,) = (tmp_path/"runs").iterdir()
    assert ddp_run.name == single_run.name  # the same knobs: where and how it ran does not name the run
    single, ddp = read_history(single_run), read_history(ddp_run)
    assert list(single.epoch) == list(ddp.epoch)
    cols = [c for c in single.columns if c.startswith(("train_", "val_"))]
    np.testing.assert_allclose(ddp[cols].to_numpy(), single[cols].to_numpy(), rtol=1e-4, atol=1e-5)
    from safetensors.torch import load_file
    a, b = load_file(data/"models/s3pot/s3pot.safetensors"), load_file(tmp_path/"s3pot/s3pot.safetensors")
    assert a.keys() == b.keys()
    for k in a: torch.testing.assert_close(b[k], a[k], rtol=1e-4, atol=1e-5)


def test_launcher_and_params_must_agree(smoke_repo, tmp_path):
    "Two ranks with params asking for one device is a clear error, not two independent runs."
    data = smoke_repo/"data"
    with pytest.raises(AssertionError, match="make them agree"):
        s3pot_on_two_ranks(smoke_repo, "train", "--features", data/"features", "--sam", data/"models/sam_tiny",
                           "--run-dir", tmp_path/"runs", "--out", tmp_path/"s3pot", "--quiet")
