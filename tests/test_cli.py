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


def test_import_and_synth_never_delete_other_files(tmp_path):
    "A non-empty --out that is not a dataset of the same kind, or the source itself, is refused and left as it was."
    from s3pot.data.real import make_fixture
    src = make_fixture("folder", tmp_path/"raw")
    docs = tmp_path/"mydocs"; docs.mkdir(); (docs/"thesis.txt").write_text("draft")
    for args in (("import", "folder", src, "--out", docs), ("import", "folder", src, "--out", src),
                 ("import", "folder", src, "--out", src/"images"), ("synth", "--out", docs, "--train", 1, "--workers", 1)):
        res = s3pot(*args)
        assert res.returncode == 1 and "Traceback" not in res.stderr, (args, res.stderr)
    assert (docs/"thesis.txt").read_text() == "draft" and [p.name for p in docs.iterdir()] == ["thesis.txt"]
    assert len(list((src/"images").iterdir())) == 4
    for _ in range(2):  # the same kind is replaced on a rerun
        assert s3pot("import", "folder", src, "--out", tmp_path/"ds").returncode == 0
