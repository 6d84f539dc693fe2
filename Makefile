# The two commands of the README. Each one builds the environment it needs from nothing.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: repro test env readme browser docs
env: $(STAMP)

# Re-install whenever the dependency pins change.
$(STAMP): settings.ini setup.py pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# The main job: the whole pipeline on the embedded default profile.
repro: $(STAMP)
	dvc repro

# Notebook tests, then pytest (which runs the smoke profile of the pipeline end to end).
# pytest's exit 5 ("no tests collected") is not a failure.
test: $(STAMP) browser
	nbdev_test --n_workers 2
	pytest -q tests || [ $$? -eq 5 ]

# README.md is rendered from nbs/index.ipynb (executed, so its outputs are real).
readme: $(STAMP)
	rm -rf README_files
	jupyter nbconvert --log-level WARN --to markdown --no-input --execute nbs/index.ipynb --output-dir . --output README

# The documentation site in _docs/ (open _docs/index.html): every notebook through nbdev's processors, the module
# notebooks executed as nbdev_test runs them, rendered by Sphinx + myst-nb. No Quarto. tests/test_docs.py reads it.
docs: $(STAMP)
	$(BIN)/python docs/build.py

# The annotation tool's browser test drives Debian's chromium; install it when missing and allowed
# (root on Debian). Without it that one test skips and says why.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser test will skip"; }
