"""The documentation site as a reader sees it: built by `docs/build.py` (or reused when fresher than its sources), served
locally and opened in headless chromium (Debian's, driven by Playwright): no console errors, every image loaded, math
typeset, internal links resolving, show_doc signatures present, search and prev/next working. Screenshots go to
`_docs/screenshots/`."""
import functools, http.server, importlib.util, re, subprocess, sys, threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT/"_docs"
_spec = importlib.util.spec_from_file_location("s3pot_docs_build", ROOT/"docs"/"build.py")
build = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(build)  # docs/build.py: page discovery, names
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).is_file()), None)
if CHROMIUM is None:
    pytest.skip("needs Debian's chromium (apt-get install -y chromium, or `make browser`); /usr/bin/chromium not found",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install playwright); "
                                                              "it drives the system chromium, no browser download")
pytest.importorskip("myst_nb", reason="needs the docs renderer (settings.ini dev_requirements: sphinx, myst-nb)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]
PAGES = ["index.html", "enhance.html", "method.html", "results.html"]


def _sources() -> list[Path]:
    files = [*(ROOT/"nbs").glob("*.ipynb"), *(ROOT/"docs").rglob("*.*"), *(ROOT/"s3pot").rglob("*.py")]
    return [p for p in files if "__pycache__" not in p.parts]


@pytest.fixture(scope="module")
def site() -> Path:
    "`_docs/`, rebuilt unless it is newer than every notebook, docs file and module (`make docs` just ran)."
    index = SITE/"index.html"
    if not index.is_file() or index.stat().st_mtime < max(p.stat().st_mtime for p in _sources()):
        subprocess.run([sys.executable, str(ROOT/"docs"/"build.py")], check=True, cwd=ROOT, timeout=900)
    return SITE


@pytest.fixture(scope="module")
def base_url(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def open_page(browser, url: str):
    "The loaded page with math typeset, and the console errors, failed requests and page errors it produced."
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("!window.MathJax || !MathJax.startup || MathJax.startup.promise.then(() => true)", timeout=20_000)
    page.evaluate("window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    return page, errors


# Text a reader sees, less code, scripts and typeset math: a `$…$` or `\(…\)` left here was not rendered.
PROSE = """() => { const a = document.querySelector('article') || document.body; const c = a.cloneNode(true);
  c.querySelectorAll('pre, code, script, style, mjx-container, .MathJax, .cell_output').forEach(e => e.remove());
  return c.textContent; }"""
BROKEN_IMAGES = "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"


def dead_links(page, base_url: str) -> list[str]:
    "Same-site links that lead to no file of the site, or whose #fragment is no element id of that page."
    bad, ids = [], {}
    for href in set(page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")):
        if not href.startswith(base_url): continue
        parts = urlsplit(href)
        path = SITE/unquote(parts.path.lstrip("/"))
        if path.is_dir(): path = path/"index.html"
        if not path.is_file(): bad.append(href); continue
        if parts.fragment and path.suffix == ".html":
            if path not in ids: ids[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))
            if unquote(parts.fragment) not in ids[path]: bad.append(href)
    return sorted(bad)


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_well(name, base_url, browser):
    page, errors = open_page(browser, base_url + name)
    shots = SITE/"screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots/f"{Path(name).stem}.png"))
    page.screenshot(path=str(shots/f"{Path(name).stem}_full.png"), full_page=True)
    internal = [h for h in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)") if h.startswith(base_url)]
    problems = {"console and network errors": errors,
                "images not loaded": page.evaluate(BROKEN_IMAGES),
                "math left as text": re.findall(r"\$[^$\n]{1,80}\$|\\\(.{1,80}?\\\)", page.evaluate(PROSE)),
                "links that do not resolve": dead_links(page, base_url),
                "no internal link at all": [] if internal else [name]}
    page.close()
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


def test_module_page_has_api_reference(base_url, browser):
    "The FE page: show_doc signatures, a figure from its executed lessons, nbdev's symbol links, prev/next."
    page, errors = open_page(browser, base_url + "enhance.html")
    sigs = page.eval_on_selector_all("div.sig pre", "es => es.map(e => e.textContent)")
    assert any(re.search(r"\bFeatureEnhancer\s*\(", s) for s in sigs), sigs[:3]
    assert page.locator("h3#featureenhancer, section#featureenhancer").count() >= 1
    assert page.evaluate("document.querySelectorAll('article img').length") >= 1, "no figure: were the lessons executed?"
    nav = page.eval_on_selector_all(".prev-next-area a", "as => as.map(a => a.getAttribute('href'))")
    order = [build.page_name(nb) for _, nb in build.notebooks()["modules"]]  # the sidebar's order, as the build found it
    i = order.index("enhance")
    assert nav == [f"{order[i - 1]}.html", f"{order[i + 1]}.html"], nav
    assert errors == [], errors
    page.close()


def test_method_page_math_and_picture(base_url, browser):
    page, errors = open_page(browser, base_url + "method.html")
    assert page.locator("mjx-container").count() >= 5, "MathJax typeset too little"
    widths = page.eval_on_selector_all("article img", "is => is.map(i => i.naturalWidth)")
    assert widths and min(widths) > 200, widths
    assert errors == [], errors
    page.close()


def test_search_finds_a_symbol(base_url, browser):
    page, errors = open_page(browser, base_url + "search.html?q=FeatureEnhancer")
    page.wait_for_selector("#search-results li", timeout=20_000)
    results = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(r.startswith("enhance.html") for r in results), results[:5]
    assert errors == [], errors
    page.close()
