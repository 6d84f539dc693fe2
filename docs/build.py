"""Build the documentation site without Quarto: nbs/*.ipynb → nbdev's processors (show_doc cells added, module
notebooks executed as `nbdev_test` runs them) → MyST notebooks in `_proc/` → Sphinx (myst-nb, book theme) → `_docs/`.

    python docs/build.py            # every page; module notebooks executed (about 2 minutes on 2 cores)
    python docs/build.py --no-exec  # show_doc cells only, as nbdev_docs does: lessons shown without outputs

Pages are discovered, not listed: a numbered notebook with `#| default_exp` is a module page, placed in the design's
order by its number (`SECTIONS`); names starting with `_` are scratch and skipped; the stage notebooks (no
`default_exp`) feed the results page from their executed copies in `data/runs/`.
"""
from __future__ import annotations

import argparse, configparser, json, os, re, shutil, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, OUT, RUNS = ROOT/"nbs", ROOT/"_docs", ROOT/"data"/"runs"
WORK = ROOT/"_proc"          # git-ignored: Sphinx's sources in pages/, its build in html/ (moved to _docs/ when done)
PROC = WORK/"pages"
_cfg = configparser.ConfigParser(); _cfg.read(ROOT/"settings.ini")
DOC_URL = _cfg.get("DEFAULT", "doc_host", fallback="") + _cfg.get("DEFAULT", "doc_baseurl", fallback="") + "/"  # nbdev's links

# The design's order (DESIGN.md §1): (sidebar caption, inclusive ranges of notebook numbers, in reading order).
SECTIONS = [
    ("Foundations and data", [(0, 9)]),
    ("The method: SAM, parser, RF, FE, PS, losses, model", [(10, 10), (11, 11), (12, 19), (20, 20), (21, 21), (22, 22), (23, 23)]),
    ("Training and evaluation", [(24, 24), (25, 29), (40, 49)]),
    ("Tools", [(30, 39)]),
]
OTHER = "More modules"
_re_num = re.compile(r"^(\d+)[a-zA-Z0-9]*_")
_re_default_exp = re.compile(r"^\s*#\|\s*default_exp\s+(\S+)", re.MULTILINE)


def page_name(nb: Path) -> str:
    "The page's name, as nbdev names it (`20_enhance.ipynb` → `enhance`), so nbdev's symbol links keep working."
    return _re_num.sub("", nb.stem)


def notebooks() -> dict:
    "{'modules': [(section, path)], 'stages': [path], 'index': path}, discovered from `nbs/`."
    modules, stages = [], []
    for nb in sorted(NBS.glob("*.ipynb")):
        m = _re_num.match(nb.name)
        if nb.name.startswith(("_", ".")) or not m: continue
        cells = json.loads(nb.read_text())["cells"]
        is_module = any(c["cell_type"] == "code" and _re_default_exp.search("".join(c["source"])) for c in cells)
        if not is_module: stages.append(nb); continue
        n = int(m.group(1))
        place = next(((i, j) for i, (_, ranges) in enumerate(SECTIONS) for j, (a, b) in enumerate(ranges) if a <= n <= b),
                     (len(SECTIONS), 0))
        modules.append((place, nb))
    modules.sort(key=lambda pn: (pn[0], pn[1].name))
    captions = [cap for cap, _ in SECTIONS] + [OTHER]
    return dict(modules=[(captions[p[0]], nb) for p, nb in modules], stages=stages, index=NBS/"index.ipynb")


# --- one notebook through nbdev's processors ---------------------------------------------------------------------

def _skip_flags() -> set:
    from nbdev.config import get_config
    return set(get_config().get("tst_flags", "").split("|")) - {""}


def _procs(execute: bool):
    "nbdev's documentation processors, less the Quarto-only ones, with `exec_show_docs` widened to every cell when `execute`."
    from nbdev.processors import FilterDefaults, exec_show_docs, insert_warning, add_fold, _do_eval
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import Processor
    from execnb.shell import CaptureShell
    flags = _skip_flags()

    class exec_cells(Processor):
        "Run the cells nbdev_docs runs (imports, exports, show_doc), or with `execute` every cell `nbdev_test` runs; errors are kept, not raised."
        def begin(self):
            self.k = CaptureShell(mpl_format="png")
            self.k.run_cell("from nbdev.showdoc import show_doc")
            self.errors = []
        def __call__(self, cell):
            if cell.cell_type != "code" or not cell.source: return
            d = cell.directives_ or {}
            if flags & d.keys() or d.get("eval:", [""])[0].lower() == "false": return
            if "nbdev_export" + "(" in cell.source: return
            if not execute and not _do_eval(cell): return
            self.k.cell(cell)
            if self.k.exc is not None:
                if execute: self.errors.append(f"cell {cell.idx_}: {type(self.k.exc).__name__}: {str(self.k.exc)[:200]}")
                else: cell.outputs = []  # a cell mixing imports and code that needs earlier, unexecuted cells
                self.k.exc = None
        def end(self): self.nb.exec_errors_ = self.errors

    drop = (FrontmatterProc, insert_warning, add_fold)  # the title cell stays a heading; the rest is Quarto's markup
    procs = [p for p in FilterDefaults().procs() if p not in drop]
    return [exec_cells if p is exec_show_docs else p for p in procs]


_re_opt = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
_re_sd_source = re.compile(r"\[source\]\((\S+?)\)\{[^}]*\}\s*")
_re_sd_head = re.compile(r"^(#{2,6}) (.+)$", re.MULTILINE)
_re_fence = re.compile(r"```python\n(.*?)```", re.DOTALL)


def show_doc_md(md: str) -> str:
    "nbdev's show_doc markdown (Quarto flavoured) → MyST: the heading, the signature as a `.sig` code block, the source link."
    md = md.strip()
    md = re.sub(r"^---\s*", "", md)  # the rule above each entry: drawn by CSS instead
    src = _re_sd_source.search(md)
    md = _re_sd_source.sub("", md)
    link = f"[source]({re.sub(r'#LNone$', '', src.group(1))})" if src else ""
    sig = _re_fence.search(md)
    if sig:
        body = sig.group(1).strip("\n") + "\n"
        md = md[:sig.start()] + "```{code-block} python\n:class: sig\n\n" + body + "```" + md[sig.end():]
    head = _re_sd_head.search(md)
    if head and link:  # the link under the heading, right-aligned by CSS
        md = md[:head.end()] + f"\n\n{link}{{.sd-source}}" + md[head.end():]
    return md


def _relink(text: str, pages: set[str]) -> str:
    "nbdev's absolute doc links (`DOC_URL` + `enhance.html#anchor`) → MyST links to the page; plain text if no such page."
    def sub(m):
        label, page, anchor = m.group(1), m.group(2), m.group(3) or ""
        return f"[{label}]({page}.ipynb{anchor})" if page in pages else label
    return re.sub(r"\[([^\]]*)\]\(" + re.escape(DOC_URL) + r"([\w-]+)\.html(#[^)\s]*)?\)", sub, text)


def _fix_anchors(pages: list[str]):
    "Point links at headings that exist: nbdev links methods (`#sambackbone.decode`) that only their class documents."
    import nbformat
    sys.path.insert(0, str(ROOT/"docs"/"_ext"))
    from s3pot_docs import nbdev_slug
    nbs = {p: nbformat.read(PROC/f"{p}.ipynb", as_version=4) for p in pages}
    slugs = {p: {nbdev_slug(h) for c in nb.cells if c.cell_type == "markdown"
                 for h in re.findall(r"^#{1,6}\s+(.+?)\s*$", c.source, re.MULTILINE)} for p, nb in nbs.items()}
    def sub(m):
        page, anchor = m.group(1), m.group(2)
        while anchor and anchor not in slugs[page]: anchor = anchor.rpartition(".")[0]
        return f"({page}.ipynb" + (f"#{anchor})" if anchor else ")")
    link = re.compile(r"\((" + "|".join(map(re.escape, pages)) + r")\.ipynb#([^)\s]+)\)")
    for p, nb in nbs.items():
        for c in nb.cells:
            if c.cell_type == "markdown": c.source = link.sub(sub, c.source)
        nbformat.write(nb, PROC/f"{p}.ipynb")


def to_myst(nb, pages: set[str]):
    "A processed nbdev notebook → an nbformat notebook myst-nb renders as is (cell options become tags, asis outputs markdown)."
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    cells = []
    for c in nb.cells:
        if c.cell_type == "raw": continue
        if c.cell_type == "markdown":
            cells.append(new_markdown_cell(_relink(c.source, pages))); continue
        opts, lines = {}, []
        for line in c.source.splitlines():
            m = _re_opt.match(line)
            if m: opts[m.group(1)] = m.group(2).strip("'\"")
            else: lines.append(line)
        src = "\n".join(lines).strip()
        outs = [dict(o) for o in c.get("outputs", [])]
        if opts.get("include") == "false": continue
        if opts.get("output") == "asis":  # show_doc: its markdown becomes the page's own text
            for o in outs:
                md = "".join((o.get("data") or {}).get("text/markdown", ""))
                if md: cells.append(new_markdown_cell(_relink(show_doc_md(md), pages)))
            continue
        tags = ["remove-input"] * (opts.get("echo") == "false") + ["remove-output"] * (opts.get("output") == "false")
        if not src and not outs: continue
        if "remove-input" in tags and not outs: continue
        outputs = []
        for o in outs:
            o = {k: v for k, v in o.items() if k in ("output_type", "name", "text", "data", "metadata", "ename", "evalue", "traceback", "execution_count")}
            if "text" in o and isinstance(o["text"], list): o["text"] = "".join(o["text"])
            if "data" in o: o["data"] = {k: "".join(v) if isinstance(v, list) else v for k, v in o["data"].items()}
            if o["output_type"] in ("display_data", "execute_result"): o.setdefault("metadata", {})
            outputs.append(new_output(**o))
        cell = new_code_cell(src, outputs=outputs)
        if tags: cell.metadata["tags"] = tags
        cells.append(cell)
    out = new_notebook(cells=cells, metadata=dict(kernelspec=dict(name="python3", display_name="Python 3", language="python"),
                                                  language_info=dict(name="python")))
    nbformat.validate(out)
    return out


def process_notebook(src: str, dst: str, execute: bool, pages: list[str]) -> tuple[str, float, list[str]]:
    "Run `src` through the processors (in the notebooks' folder, as nbdev_test does) and write the MyST notebook `dst`."
    import nbformat
    from execnb.nbio import read_nb
    from nbdev.process import NBProcessor
    os.environ["IN_TEST"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    start = time.time()
    nb = read_nb(src)
    nb.path_ = src
    cwd, main = os.getcwd(), sys.modules["__main__"]
    os.chdir(Path(src).parent)
    try: NBProcessor(nb=nb, procs=_procs(execute)).process()
    finally: os.chdir(cwd); sys.modules["__main__"] = main  # IPython's shell takes `__main__`: the pool needs it back
    nbformat.write(to_myst(nb, set(pages)), dst)
    return src, time.time() - start, getattr(nb, "exec_errors_", [])


# --- the generated pages ------------------------------------------------------------------------------------------

_re_papermill = re.compile(r"papermill\b.*?\bnbs/(\S+\.ipynb)\s+(data/runs/\S+\.ipynb)")


def stage_runs(stages: list[Path]) -> list[tuple[Path, list[Path]]]:
    "Each stage notebook with its executed copies under `data/runs/`, where dvc.yaml's papermill command writes them."
    dvc = (ROOT/"dvc.yaml").read_text() if (ROOT/"dvc.yaml").is_file() else ""
    outs = {nb: out for nb, out in _re_papermill.findall(dvc)}
    found = []
    for s in stages:
        pattern = re.sub(r"\$\{[^}]*\}", "*", outs.get(s.name, f"data/runs/{s.name}"))  # a matrix stage: one per item
        found.append((s, sorted(ROOT.glob(pattern))))
    return found


def _results_page(stages: list[Path]) -> str:
    "The results page: the executed stage notebooks of `data/runs/` when a run left them, else how to make them."
    runs = stage_runs(stages)
    lines = ["# Results", ""]
    if any(copies for _, copies in runs):
        lines += ["The executed pipeline notebooks of the last `dvc repro` in this clone, copied from `data/runs/` as they ran "
                  "(not re-executed here).", "", "```{toctree}", ":maxdepth: 1", ""]
        for s, copies in runs:
            for c in copies:
                page = c.relative_to(RUNS).with_suffix("").as_posix()
                label = _title(s).replace("`", "") + (f" ({c.stem})" if c.stem != s.stem else "")
                lines.append(f"{label} <runs/{page}>")
        lines += ["```", ""]
        missing = [s.name for s, copies in runs if not copies]
        if missing: lines += ["Not run yet: " + ", ".join(f"`{m}`" for m in missing) + ".", ""]
    else:
        lines += ["No pipeline run in this clone yet: `data/runs/` holds no executed stage notebooks.", "",
                  "Make them with the default profile (about an hour on 2 CPU cores), then rebuild the site:", "",
                  "```sh", "make repro   # dvc repro: every stage runs its notebook with papermill into data/runs/",
                  "make docs    # this page then lists the executed notebooks, with their outputs", "```", "",
                  "The stages, in the pipeline's order:", ""]
        lines += [f"- `{s.name}`: {_title(s)}" for s in stages]
        lines += ["", "The README's results section quotes the numbers of the last full run."]
    return "\n".join(lines) + "\n"


def _title(nb: Path) -> str:
    for c in json.loads(nb.read_text())["cells"]:
        m = re.search(r"^#\s+(.+)$", "".join(c["source"]), re.MULTILINE) if c["cell_type"] == "markdown" else None
        if m: return m.group(1).strip()
    return nb.stem


def _copy_run(src: Path, dst: Path):
    "One executed stage notebook, rendered as it ran (myst-nb does not execute it); Python named for the highlighter."
    import nbformat
    nb = nbformat.read(src, as_version=4)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)


def _copy_runs(stages: list[Path]):
    for _, copies in stage_runs(stages):
        for c in copies: _copy_run(c, PROC/"runs"/c.relative_to(RUNS))


def _toctrees(modules) -> str:
    "Hidden toctrees for the index: the method and results pages, then one caption per section of module pages."
    out = ["```{toctree}", ":hidden:", ":caption: Overview", "", "method", "results", "```", ""]
    for section in dict.fromkeys(s for s, _ in modules):
        out += ["```{toctree}", ":hidden:", f":caption: {section}", ""]
        out += [page_name(nb) for s, nb in modules if s == section] + ["```", ""]
    return "\n".join(out)


def prepare(execute: bool = True, workers: int = 2) -> list[str]:
    "Fill `_proc/` with the site's sources; returns the execution errors (notebook: cell: error)."
    found = notebooks()
    if WORK.exists(): shutil.rmtree(WORK)
    PROC.mkdir(parents=True)
    shutil.copytree(NBS/"images", PROC/"images") if (NBS/"images").is_dir() else None
    for f in ("conf.py", "_static", "_ext"):
        p = ROOT/"docs"/f
        (shutil.copytree if p.is_dir() else shutil.copy)(p, PROC/f)
    pages = ["index"] + [page_name(nb) for _, nb in found["modules"]]
    jobs = [(str(nb), str(PROC/f"{page_name(nb)}.ipynb"), execute) for _, nb in found["modules"]]
    jobs.append((str(found["index"]), str(PROC/"index.ipynb"), True))  # executed, as `make readme` does
    jobs.sort(key=lambda j: -Path(j[0]).stat().st_size)  # longest first: the two workers finish together
    errors = []
    import multiprocessing as mp
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        futs = [pool.submit(process_notebook, *j, pages) for j in jobs]
        for f in as_completed(futs):
            src, secs, errs = f.result()
            print(f"  {Path(src).name:28s} {secs:5.1f} s" + (f"  {len(errs)} failing cell(s)" if errs else ""), flush=True)
            errors += [f"{Path(src).name}: {e}" for e in errs]
    _fix_anchors(pages)
    _finish_index(found["modules"])
    (PROC/"results.md").write_text(_results_page(found["stages"]))
    _copy_runs(found["stages"])
    return errors


def _finish_index(modules):
    "The README notebook as the home page: its repo-relative image paths made site-relative, the toctrees appended."
    import nbformat
    nb = nbformat.read(PROC/"index.ipynb", as_version=4)
    for c in nb.cells:
        if c.cell_type == "markdown": c.source = c.source.replace("](nbs/images/", "](images/")
    nb.cells.append(nbformat.v4.new_markdown_cell(_toctrees(modules)))
    nbformat.write(nb, PROC/"index.ipynb")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-exec", action="store_true", help="don't execute module notebooks (show_doc cells only)")
    ap.add_argument("--reuse", action="store_true", help="keep the pages of the last run in _proc/: Sphinx only")
    ap.add_argument("--workers", type=int, default=2, help="notebooks processed at once")
    a = ap.parse_args(argv)
    t0 = time.time()
    print(f"preparing pages in {PROC.relative_to(ROOT)}/ ({'show_doc only' if a.no_exec else 'executing module notebooks'})")
    errors = [] if a.reuse and (PROC/"index.ipynb").is_file() else prepare(execute=not a.no_exec, workers=a.workers)
    for f in ("conf.py", "_static", "_ext"):  # the hand-written parts, fresh even with --reuse
        p = ROOT/"docs"/f
        if p.is_dir(): shutil.copytree(p, PROC/f, dirs_exist_ok=True)
        else: shutil.copy(p, PROC/f)
    subprocess.run([sys.executable, str(ROOT/"docs"/"method_figure.py"), str(PROC/"images"/"method_flow.png"),
                    "--models", str(ROOT/"data"/"models"), "--caption", str(WORK/"method_flow.md")], check=True)
    caption = (WORK/"method_flow.md").read_text().strip()  # which models drew the picture, from method_figure.py
    (PROC/"method.md").write_text((ROOT/"docs"/"method.md").read_text().replace("FLOW_CAPTION", caption))
    t1 = time.time()
    html = WORK/"html"  # myst-nb writes beside the output folder (jupyter_execute/): keep that inside WORK
    if html.exists(): shutil.rmtree(html)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-w", str(WORK/"sphinx-warnings.txt"), "-j", str(a.workers),
           "-d", str(WORK/"doctrees"), str(PROC), str(html)]
    subprocess.run(cmd, check=True)
    (html/".nojekyll").touch()
    if OUT.exists(): shutil.rmtree(OUT)
    shutil.move(html, OUT)
    print(f"site in {OUT.relative_to(ROOT)}/index.html: pages {t1 - t0:.0f} s, sphinx {time.time() - t1:.0f} s")
    if errors:
        print("cells that raised while executing (their pages show the traceback):", *errors, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
