"""`s3pot segment` stopped by SIGTERM or killed by SIGKILL mid-run: nothing done is lost, nothing stale is reused."""
import os
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from s3pot.data.synth import render_sample
from s3pot.inference import RECORDS, SUMMARY_CSV, tiny_models

N_FACES, N_WALLS = 9, 3


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    "Random tiny models in the data/models layout (as in nbs/32e_segmenter.ipynb) and photos with and without a face."
    root = tmp_path_factory.mktemp("segment")
    tiny_models(root/"models")
    photos = root/"photos"; photos.mkdir()
    for i in range(N_FACES + N_WALLS):  # faces the Haar cascade finds (seeds of the notebook), and bare walls
        canvas = np.zeros((200, 280, 3), np.uint8); canvas[:] = (70, 110, 160 + i)
        if i < N_FACES: canvas[36:164, 90:218] = render_sample((0, 5, 9, 25, 29)[i % 5], size=128).image
        Image.fromarray(canvas).save(photos/f"p{i:02d}.png")
    return root


def segment(setup, out, **popen):
    cmd = ["s3pot", "segment", str(setup/"photos"), "--out", str(out), "--models", str(setup/"models"), "--batch-size", "1"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def stop_after(proc, out, n: int, signum):
    "Send `signum` to `proc` once `n` images are done; return (status, stderr)."
    deadline = time.time() + 300
    while len(list((out/RECORDS).glob("*.json"))) < n and proc.poll() is None and time.time() < deadline: time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.fixture(scope="module")
def truth(setup):
    "The summary of one uninterrupted run."
    proc = segment(setup, setup/"whole")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    df = pd.read_csv(setup/"whole"/SUMMARY_CSV)
    assert {"ok", "no_face"} <= set(df.status), df.status.value_counts()
    return df


def same_results(a: pd.DataFrame, b: pd.DataFrame):
    cols = ["name", "status", "height", "width", "occluded_fraction", "face_occluded", "box_x", "box_y", "box_w", "box_h"]
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


def test_sigterm_writes_the_summary(setup, truth):
    out = setup/"term"
    status, err = stop_after(segment(setup, out), out, 2, signal.SIGTERM)
    assert status == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "stopped" in err, err
    done = pd.read_csv(out/SUMMARY_CSV)  # the rows of every image done before the stop
    assert 2 <= len(done) < N_FACES + N_WALLS
    same_results(done, truth.set_index("name").loc[done.name].reset_index())


def test_sigkill_loses_nothing_done(setup, truth):
    out = setup/"kill"
    status, _ = stop_after(segment(setup, out), out, 2, signal.SIGKILL)
    assert status == -signal.SIGKILL
    done = {p.stem for p in (out/RECORDS).glob("*.json")}
    (out/".p00.mask.png.0123abcd.tmp").write_bytes(b"half")  # as a kill inside write_png leaves it
    proc = segment(setup, out)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    again = pd.read_csv(out/SUMMARY_CSV)
    same_results(again, truth)
    assert set(again.name[again.reused]) == done
    assert not list(out.rglob("*.tmp"))
