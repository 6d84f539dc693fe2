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
        a, b = read_labels(data/"references"/parse, 19), read_labels(tmp_path/"refs"/parse, 19)
        ra, rb = (read_image(d/ref).astype(int) for d in (data/"references", tmp_path/"refs"))
        same_up_to_rounding(a, b, ra, rb, parse)


# What must hold whatever rank or batch made an image. Batches of other compositions round floats differently, so a
# pixel whose two best parser classes tie within rounding may take the other label (seen on another machine), and the
# reference, conditioned on the parse map, moves around such pixels. Anything beyond these shares is a real difference.
LABEL_FLIPS = 1e-3   # share of an image's pixels whose parse label may differ
REF_MOVES = 5e-3     # share of an image's pixels whose reference may differ by more than one grey level


def same_up_to_rounding(labels_a, labels_b, ref_a, ref_b, name):
    "Parse maps equal on all but `LABEL_FLIPS` of the pixels; references within one grey level on all but `REF_MOVES`."
    flips = float((labels_a != labels_b).mean())
    assert flips <= LABEL_FLIPS, f"{name}: {flips:.2%} of the parse labels differ (allowed {LABEL_FLIPS:.2%})"
    moves = float((np.abs(ref_a - ref_b) > 1).max(-1).mean())
    assert moves <= REF_MOVES, f"{name}: {moves:.2%} of the reference pixels differ by more than one grey level (allowed {REF_MOVES:.2%})"


def test_same_up_to_rounding_fails_on_real_differences():
    "The tolerance admits a few flipped labels and nothing more."
    rng = np.random.default_rng(0)
    labels, ref = rng.integers(0, 19, (256, 256)), rng.integers(0, 256, (256, 256, 3))
    few = labels.copy(); few.flat[rng.choice(labels.size, 50, replace=False)] += 1
    same_up_to_rounding(labels, few, ref, ref + 1, "a few ties")
    with pytest.raises(AssertionError, match="parse labels differ"): same_up_to_rounding(labels, labels + 1, ref, ref, "labels")
    with pytest.raises(AssertionError, match="grey level"): same_up_to_rounding(labels, labels, ref, ref + 2, "reference")

def test_sharded_features(smoke_repo, tmp_path):
    data = smoke_repo/"data"
    s3pot_on_two_ranks(smoke_repo, "features", "--data", data/"synth", "--references", data/"references",
                       "--sam", data/"models/sam", "--out", tmp_path/"feats")
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
                       "--sam", data/"models/sam", "--run-dir", tmp_path/"runs", "--out", tmp_path/"s3pot", "--quiet")
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
    # The all-reduce sums the ranks' gradients in another order than one process does. Adam divides each gradient by
    # its own running size, so a parameter whose true gradient is zero, an attention key bias (softmax ignores a shift
    # shared by all keys), moves on that rounding noise by up to lr a step, either way; the rest follows it a little.
    # Seen on two cores: 2e-4 on a key bias, 2e-5 elsewhere, after 4 steps at lr 1e-3. The logs above match to 1e-4.
    lr = float(params["train_s3pot"]["lr"])
    for k in a: torch.testing.assert_close(b[k], a[k], rtol=1e-3, atol=lr)


def test_launcher_and_params_must_agree(smoke_repo, tmp_path):
    "Two ranks with params asking for one device is a clear error, not two independent runs."
    data = smoke_repo/"data"
    with pytest.raises(AssertionError, match="make them agree"):
        s3pot_on_two_ranks(smoke_repo, "train", "--features", data/"features", "--sam", data/"models/sam",
                           "--run-dir", tmp_path/"runs", "--out", tmp_path/"s3pot", "--quiet")
