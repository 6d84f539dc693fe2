"""The smoke profile of the whole DVC pipeline, end to end, in a throwaway copy of the repository."""
import json

import pandas as pd
import yaml

from conftest import run

def test_synth_data_stage(smoke_repo):
    params = yaml.safe_load((smoke_repo/"params.yaml").read_text())["synth_data"]
    df = pd.read_parquet(smoke_repo/"data/synth/manifest.parquet")
    assert df.groupby("split").size().to_dict() == {s: params[f"n_{s}"]["smoke"] for s in ("train", "val", "test")}
    assert (smoke_repo/"data/figures/synth_data/card.png").stat().st_size > 10_000
    assert (smoke_repo/"data/runs/50_synth_data.ipynb").is_file()
    stats = json.loads((smoke_repo/"data/metrics/synth_data.json").read_text())
    assert stats["n_images"] == len(df)


def test_repro_twice_does_nothing(smoke_repo):
    out = run(["dvc", "repro"], smoke_repo)
    assert "didn't change" in out or "up to date" in out, out
    assert "Running stage" not in out


def test_metrics_show(smoke_repo):
    assert "occluded_frac_mean" in run(["dvc", "metrics", "show"], smoke_repo)


def test_pretrained_parts(smoke_repo):
    "The three trained parts load through their public loaders, and the caches cover every sample in order."
    from s3pot.backbone import SamBackbone
    from s3pot.parsing import FaceParser
    from s3pot.precompute import load_features
    from s3pot.reference import load_reference_generator
    data = smoke_repo/"data"
    SamBackbone.from_pretrained(data/"models/sam")
    FaceParser.from_pretrained(data/"models/parser")
    load_reference_generator(data/"models/generator")
    manifest = pd.read_parquet(data/"synth/manifest.parquet")
    refs = pd.read_parquet(data/"references/references.parquet")
    assert list(refs.id) == list(manifest.id)
    assert all((data/"references"/p).is_file() for p in refs.reference)
    for split, ids in manifest.groupby("split", sort=False).id:
        assert load_features(data/"features", split).ids == list(ids)
    for stage, key in (("foundation_sam", "generic_point_miou"), ("train_parser", "miou"), ("references", "ms_per_image"),
                       ("features", "cos_visible_tokens")):
        assert any(key in k for k in json.loads((data/f"metrics/{stage}.json").read_text())), (stage, key)


def test_plots(smoke_repo):
    out = run(["dvc", "plots", "show", "--json"], smoke_repo)
    assert "loss.csv" in out


def test_train_s3pot(smoke_repo):
    "The trained head loads onto the pipeline's SAM, and the val scores of both modes come from the run."
    from s3pot.backbone import SamBackbone
    from s3pot.model import load_s3pot
    data = smoke_repo/"data"
    model = load_s3pot(data/"models/s3pot", SamBackbone.from_pretrained(data/"models/sam"))
    configured = yaml.safe_load((smoke_repo/"params.yaml").read_text())["train_s3pot"]["model"]
    assert {k: model.config[k] for k in configured} == configured   # the saved head is the configured one
    metrics = json.loads((data/"metrics/train_s3pot.json").read_text())
    for key in ("val_iou_general", "val_iou_per_image", "per_image_seconds"):
        assert 0 <= metrics[key] <= (1 if "iou" in key else 60), (key, metrics[key])


def test_evaluate(smoke_repo):
    "Every method of the comparison is scored under one protocol, and evaluate.json has the keys the README and figures read."
    data = smoke_repo/"data"
    table = pd.read_csv(data/"tables/evaluate/comparison.csv").set_index("method")
    assert {"S³POT (general)", "S³POT (per-image)", "S³POT (general, same images)", "pixel difference",
            "supervised upper bound"} <= set(table.index)
    assert table.occlusion_iou.between(0, 1).all()
    assert ((table.ci95_low <= table.occlusion_iou + 1e-9) & (table.occlusion_iou <= table.ci95_high + 1e-9)).all()
    n_test = yaml.safe_load((smoke_repo/"params.yaml").read_text())["synth_data"]["n_test"]["smoke"]
    assert table.loc["S³POT (general)", "images"] == n_test
    assert table.loc["S³POT (per-image)", "images"] == table.loc["S³POT (general, same images)", "images"]
    metrics = json.loads((data/"metrics/evaluate.json").read_text())
    for key in ("s3pot_general", "s3pot_per_image", "general_same_images", "whole_face", "parser_only", "pixel_difference", "colour_difference",
                "token_contrast", "sam_topk", "upper_bound"):
        entry = metrics["test"][key]
        assert 0 <= entry["ci95"][0] <= entry["iou"] + 1e-9 and entry["iou"] <= entry["ci95"][1] + 1e-9 <= 1 + 1e-9, (key, entry)
    for key in ("untrained", "trained"):
        assert 0 <= metrics["val"][key]["iou"] <= 1, key
    assert "targets" in metrics


def test_ablations_and_figures(smoke_repo):
    "One score per ablation variant, and the paper's tables and figures drawn from them."
    data = smoke_repo/"data"
    names = yaml.safe_load((smoke_repo/"params.yaml").read_text())["ablations"]["names"]
    for name in names:
        run_ = json.loads((data/f"ablations/{name}.json").read_text())
        assert 0 <= run_["iou"] <= 1 and len(pd.read_csv(data/f"ablations/{name}.per_image.csv")) == run_["n_test"], name
    table = pd.read_csv(data/"tables/paper/ablations.csv")
    assert set(table.variant) == set(names)
    assert {"full_minus", "full_minus_low", "full_minus_high", "full_is_better"} <= set(table.columns)
    for fig in ("ablations.png", "per_category.png", "qualitative.png", "failures.png"):
        assert (data/"figures/paper"/fig).stat().st_size > 5_000, fig
