# The two commands of the README. Each one builds the environment it needs from nothing.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
# packages whose declared dependencies we must not pull (settings.ini says why)
NODEPS := $(shell sed -n 's/^nodeps_requirements *= *//p' settings.ini)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: repro test env readme browser foundation docs promote
env: $(STAMP)

# Re-install whenever the dependency pins change.
$(STAMP): settings.ini setup.py pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(NODEPS)
	touch $@

# The main job: the whole pipeline on the embedded default profile.
repro: $(STAMP)
	dvc repro

# Ship the finished default run of `make repro` in the package, so that `s3pot segment` works right after `pip install`:
# its parser, generator and S³POT head go to s3pot/weights/default (its SAM is the shipped foundation SAM, which
# segmenter.json points at), with provenance.json: commit, dvc.lock md5s, date, every file's bytes and sha256.
# All or nothing; refused when the run is unfinished or its SAM is not the shipped one. MODELS=DIR promotes another run.
MODELS ?= data/models
promote: $(STAMP)
	s3pot promote --models $(MODELS)

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

# The foundation SAM shipped in s3pot/weights/foundation_sam: retrain it (hours on 2 cores, minutes on a GPU).
# Resumable: it continues from data/checkpoints/foundation_sam, or from the committed snapshot in foundation/resume.
# TIME_LIMIT=SECONDS stops it (checkpointed) after that long and ships the weights reached so far; rerun to go on.
# THREADS=1 on a busy machine: two OpenMP threads that keep losing their core stall each other many-fold.
PROFILE ?= default
foundation: $(STAMP)
	mkdir -p data/runs
	papermill -k python3 --language python nbs/51_foundation_sam.ipynb data/runs/51_foundation_sam_train.ipynb \
	  -p params_path params.yaml -p profile $(PROFILE) -p train True -p ship_dir s3pot/weights/foundation_sam -p resume_dir foundation/resume \
	  -p ckpt_dir data/checkpoints/foundation_sam -p model_dir data/models/sam -p figures_dir data/figures/foundation_sam_train \
	  -p metrics_path data/metrics/foundation_sam_train.json $(if $(TIME_LIMIT),-p time_limit_s $(TIME_LIMIT)) $(if $(THREADS),-p threads $(THREADS))
