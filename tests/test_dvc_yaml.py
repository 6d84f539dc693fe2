"""dvc.yaml tells the truth about what each stage imports and reads (.ci/check_dvc.py), and the check can fail."""
import copy
import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_dvc", ROOT/".ci"/"check_dvc.py")
check_dvc = importlib.util.module_from_spec(spec); spec.loader.exec_module(check_dvc)
DVC, PARAMS = yaml.safe_load((ROOT/"dvc.yaml").read_text()), yaml.safe_load((ROOT/"params.yaml").read_text())


def test_dvc_yaml_declares_what_stages_import_and_read():
    assert check_dvc.check(DVC, PARAMS) == []


def test_a_missing_module_or_a_whole_group_is_found():
    dvc = copy.deepcopy(DVC)
    train = dvc["stages"]["train_s3pot"]
    train["deps"].remove("s3pot/backbone.py")
    train["params"] = [k for k in train["params"] if not k.startswith("train_s3pot.lr")] + ["base.workers"]
    dvc["stages"]["synth_data"]["params"] = ["base", "synth_data"]  # whole groups: a paper value would rerun it
    problems = check_dvc.check(dvc, PARAMS)
    assert "stage train_s3pot: imports s3pot/backbone.py but does not declare it under deps" in problems
    assert "stage train_s3pot: params lacks train_s3pot.lr" in problems
    assert "stage train_s3pot: params base.workers is not a key of params.yaml to track" in problems
    assert "stage synth_data: params lacks synth_data.n_train.${base.profile}" in problems


def test_write_regenerates_a_true_dvc_yaml():
    text = (ROOT/"dvc.yaml").read_text()
    broken = text.replace("      - s3pot/backbone.py\n", "", 1)
    assert broken != text
    assert check_dvc.write(broken, yaml.safe_load(broken), PARAMS) == text
