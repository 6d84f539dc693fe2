"""The annotation page in a real headless browser (Debian's chromium driven by Playwright): click, see, save, reload."""
import os
from pathlib import Path

import numpy as np
import pytest
import torch

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).is_file()), None)
if CHROMIUM is None:
    pytest.skip("needs Debian's chromium (apt-get install -y chromium); /usr/bin/chromium not found",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install playwright); "
                                                              "it drives the system chromium, no browser download")

from s3pot.annotate import AnnotationStore, Annotator, start_server  # noqa: E402
from s3pot.backbone import SamBackbone, build_tiny_sam  # noqa: E402
from s3pot.data import save_sample, write_manifest  # noqa: E402
from s3pot.data.synth import render_face  # noqa: E402

SIZE = 96


@pytest.fixture()
def served(tmp_path):
    "A two-image dataset served with a tiny random-weight SAM; yields (server, store, annotator)."
    torch.set_num_threads(1)
    rows = [save_sample(tmp_path/"ds", id=f"face{i}", split="test", source="render", image=render_face(i, size=SIZE)[0])
            for i in range(2)]
    write_manifest(tmp_path/"ds", rows)
    torch.manual_seed(0)
    sam = SamBackbone(build_tiny_sam(image_size=64, embed_dim=32, depth=2, num_heads=2, window_size=4,
                                     global_attn_indexes=(1,), out_chans=32, decoder_heads=4, decoder_mlp_dim=64,
                                     iou_head_hidden_dim=32))
    store = AnnotationStore(tmp_path/"ds")
    annotator = Annotator(store, sam)
    server = start_server(annotator)
    yield server, store, annotator
    server.shutdown()
    server.server_close()
    annotator.close()


@pytest.fixture()
def page():
    "A fresh headless chromium page that fails the test on any JavaScript error."
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"] if os.geteuid() == 0 else [])
        # bypass_csp: Playwright evaluates its wait conditions as strings, which the page's CSP forbids
        pg = browser.new_page(viewport={"width": 900, "height": 700}, bypass_csp=True)
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
        yield pg
        browser.close()
        assert errors == [], errors


def wait_version(page, v: int):
    page.wait_for_function(f"document.querySelector('#saved').dataset.version === '{v}'", timeout=10_000)


def area(page) -> int: return int(page.get_attribute("#area", "data-area"))


def at(page, x: float, y: float) -> dict:
    "The position (in CSS pixels, relative to the canvas) of image pixel (x, y)."
    box = page.locator("#canvas").bounding_box()
    return {"x": (x + 0.5) * box["width"] / SIZE, "y": (y + 0.5) * box["height"] / SIZE}


def test_click_save_reload(served, page):
    server, store, annotator = served
    page.goto(server.url)
    page.wait_for_selector("#area[data-area]")
    assert area(page) == 0 and page.inner_text("#progress").startswith("0 / 2 done")
    assert "face0" in page.inner_text("#name") and "from empty" in page.inner_text("#name")

    # a positive click: the page shows SAM's mask and saves it
    page.locator("#canvas").click(position=at(page, 30, 40))
    wait_version(page, 1)
    expected = annotator.segment("face0", [[30, 40, 1]])
    assert 0 < expected.sum() < expected.size
    assert area(page) == expected.sum()
    saved = store.state("face0")
    assert np.array_equal(saved["mask"], expected) and saved["clicks"] == [[30.0, 40.0, 1]]

    # undo and redo from the keyboard, each saved
    page.keyboard.press("z")
    wait_version(page, 2)
    assert area(page) == 0 and not store.state("face0")["mask"].any()
    page.keyboard.press("y")
    wait_version(page, 3)
    assert area(page) == expected.sum()

    # a brush stroke adds pixels and ends the click set
    page.keyboard.press("b")
    box = page.locator("#canvas").bounding_box()
    p0, p1 = at(page, 5, 5), at(page, 5, 90)
    page.mouse.move(box["x"] + p0["x"], box["y"] + p0["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + p1["x"], box["y"] + p1["y"], steps=8)
    page.mouse.up()
    wait_version(page, 4)
    brushed = store.state("face0")
    assert brushed["mask"][5:90, 5].all() and brushed["clicks"] == [] and area(page) == brushed["mask"].sum()
    assert brushed["mask"].sum() > expected.sum()

    # a category from the keyboard
    page.keyboard.press("1")
    wait_version(page, 5)
    assert store.state("face0")["category"] == "hand"

    # reload: the saved mask is back, from the server
    page.reload()
    page.wait_for_selector("#area[data-area]")
    assert area(page) == brushed["mask"].sum() and "saved" in page.inner_text("#name")
    assert page.input_value("#category") == "hand"

    # done and next: progress moves on, and a reload resumes at the second image
    page.keyboard.press("n")
    page.wait_for_function("document.querySelector('#progress').dataset.done === '1'", timeout=10_000)
    page.wait_for_function("document.querySelector('#name').textContent.startsWith('face1')", timeout=10_000)
    assert store.state("face0")["done"] and store.resume() == "face1"
    page.reload()
    page.wait_for_function("document.querySelector('#name').textContent.startsWith('face1')", timeout=10_000)
    assert page.inner_text("#progress").startswith("1 / 2 done")

    # done on the last image is recorded too, and the page says there is no next image
    page.keyboard.press("n")
    page.wait_for_function("document.querySelector('#progress').dataset.done === '2'", timeout=10_000)
    assert store.state("face1")["done"] and "no next image" in page.inner_text("#saved")
