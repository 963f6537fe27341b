# Two commands: `make book` builds the book, `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed

.PHONY: help book serve test lab bench nb r-reference data clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(BIN)/python:
	@scripts/require.sh venv
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "error: '$(PYTHON) -m venv $(VENV)' failed (see above)." >&2; exit 1; }

$(INSTALLED): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

$(ASSETS): package.json package-lock.json
	@scripts/require.sh npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

book: $(INSTALLED) $(ASSETS)  ## execute every chapter and build the HTML book into _build/html
	@rm -rf _build/html
	@$(BIN)/jupyter-book build --all -W -n --keep-going . || { \
	  echo "error: the book did not build. A cell raised, a reference is broken or a file is missing:" >&2; \
	  echo "       see the WARNING/ERROR lines above (failed notebooks leave a log in _build/html/reports/)." >&2; \
	  exit 1; }
	@echo "The book is in $(CURDIR)/_build/html — open _build/html/index.html, or run 'make serve'."

serve:  ## serve the built book on http://127.0.0.1:$(PORT)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python scripts/serve_book.py --port $(PORT)

test: book  ## run every test: units, R agreement, notebook regression, browser, live JupyterLab
	@scripts/require.sh chromium
	$(BIN)/python -m pytest

lab: $(INSTALLED)  ## JupyterLab on the chapters (live widgets need this, Binder or Colab)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) book/intro.md

bench: $(INSTALLED) $(ASSETS)  ## print build/test times, page sizes and engine timings
	@scripts/require.sh chromium
	$(BIN)/python benchmarks/run.py

nb: $(INSTALLED)  ## re-execute notebooks and save their outputs: make nb [NB=book/02-design.ipynb]
	$(BIN)/python -m pytest tests/test_notebooks.py -q --nb-force-regen $(if $(NB),-k "$(NB)")

r-reference:  ## regenerate tests/r/reference.json with R's survival (needs r-base-core r-cran-survival)
	Rscript tests/r/reference.R

data: $(INSTALLED)  ## regenerate every simulated/reconstructed table in data/ (about 5 minutes; then `make nb`)
	$(BIN)/python scripts/design_simulations.py --trials 10000 --event-trials 1000 --seed 2025
	$(BIN)/python scripts/precompute_sampling.py --trials 1000 --seed 2025 --true-hrs 0.7,0.75,0.8,0.85,0.9,0.95,1,1.05,1.1,1.15,1.2,1.25,1.3
	$(BIN)/python scripts/accuracy_study.py --trials 240 --out data/reconstructed/accuracy_study.csv
	$(BIN)/python scripts/reconstruction_comparison.py --out data/reconstructed/comparison.csv
	$(BIN)/python scripts/reconstruction_sensitivity.py --seeds 20 --seeds-per-scenario 5 --out data/reconstructed/sensitivity.csv

clean:  ## remove the build (keeps the virtual environment)
	rm -rf _build
