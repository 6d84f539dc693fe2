"""The smoke run of the whole pipeline, shared by the test modules that read its outputs."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(cmd, cwd):
    "Run `cmd` in `cwd`, failing the test with its output when it fails."
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "DVC_NO_ANALYTICS": "1"})
    assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout[-4000:]}\n{res.stderr[-4000:]}"
    return res.stdout


@pytest.fixture(scope="session")
def smoke_repo(tmp_path_factory):
    "A copy of the working tree (tracked and untracked files, not data/) with `base.profile: smoke`, reproduced once."
    repo = tmp_path_factory.mktemp("smoke")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (ROOT/rel).is_file():
            (repo/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT/rel, repo/rel)
    run(["git", "init", "-q"], repo)  # DVC wants to live in a git repository
    params = repo/"params.yaml"
    text, n = re.subn(r"(?m)^(\s+profile:\s*)\w+", r"\1smoke", params.read_text(), count=1)
    assert n == 1, "params.yaml has no base.profile line"
    params.write_text(text)
    run(["dvc", "repro"], repo)
    return repo
