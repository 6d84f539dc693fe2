"""The installed `s3pot` console script, run as a user would."""
import subprocess

import pandas as pd


def s3pot(*args):
    return subprocess.run(["s3pot", *map(str, args)], capture_output=True, text=True)


def test_info_names_versions():
    res = s3pot("info")
    assert res.returncode == 0, res.stderr
    assert "torch" in res.stdout and "s3pot" in res.stdout


def test_synth_writes_a_dataset(tmp_path):
    res = s3pot("synth", "--out", tmp_path/"ds", "--train", 3, "--val", 1, "--test", 1, "--size", 96, "--workers", 1)
    assert res.returncode == 0, res.stderr
    df = pd.read_parquet(tmp_path/"ds"/"manifest.parquet")
    assert df.groupby("split").size().to_dict() == {"train": 3, "val": 1, "test": 1}


def test_errors_are_messages_not_tracebacks(tmp_path):
    res = s3pot("import", "folder", tmp_path/"missing", "--out", tmp_path/"out")
    assert res.returncode == 1
    assert "error" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path/"out").exists()
