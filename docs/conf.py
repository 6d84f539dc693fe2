# Sphinx configuration of the documentation site. `docs/build.py` copies it into `_proc/` next to the pages it prepares.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent/"_ext"))

project = "s3pot"
author = "s3pot developers"
copyright = "2026 onwards, s3pot developers"

extensions = ["myst_nb", "s3pot_docs"]  # s3pot_docs: MathJax from a package, so the site works offline
exclude_patterns = ["_build", ".doctrees", "**.ipynb_checkpoints"]

# Notebooks are rendered as docs/build.py left them: it ran nbdev's processors (and executed the module notebooks).
nb_execution_mode = "off"
nb_render_markdown_format = "myst"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "attrs_inline", "deflist", "smartquotes"]
myst_heading_anchors = 6
# nbdev's anchors are the heading lower-cased (`#s3pot.forward`): the same slugs let its symbol links resolve.
myst_heading_slug_func = "s3pot_docs.nbdev_slug"
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure", "config.cache"]


html_theme = "sphinx_book_theme"
html_title = "s3pot"
html_static_path = ["_static"]
html_css_files = ["s3pot.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
}
html_context = {"default_mode": "light"}  # an empty mode makes the theme's script log a console error
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
