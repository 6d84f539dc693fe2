"""Helpers the Sphinx configuration imports by name (a function in conf.py itself cannot be pickled with the build)."""
import re


def nbdev_slug(text: str) -> str:
    "A heading's anchor as nbdev makes it: lower-cased (`S3POT.forward` → `s3pot.forward`), so its symbol links resolve."
    return re.sub(r"\s+", "-", text.strip().lower())


def setup(app):
    "MathJax 3 from the `sphinx-mathjax-offline` package, so math renders without network; safe for parallel builds."
    import importlib
    offline = importlib.import_module("sphinx-mathjax-offline")
    app.connect("build-finished", offline.copy_mathjax_files)
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
