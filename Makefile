# Two commands: `make book` builds the book, `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed
STAMP := _build/sources.sha256

.PHONY: help book serve dist pdf check test lab bench nb r-reference data clean

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
	@rm -rf _build/html _build/jupyter_execute
	@# Every chapter is executed inline on every build (myst-nb evaluates the prose's expressions in its
	@# kernel). The stamp records which package, data and pins the outputs were made with (make nb checks it).
	@mkdir -p _build; sources=$$($(BIN)/python scripts/notebook_outputs.py hash); rm -f $(STAMP); \
	ALEXANDRA_BOOK_BUILD=1 $(BIN)/jupyter-book build --all -W -n --keep-going . || { \
	  echo "error: the book did not build. A cell raised, a reference is broken or a file is missing:" >&2; \
	  echo "       see the WARNING/ERROR lines above (failed notebooks leave a log in _build/html/reports/)." >&2; \
	  exit 1; }; \
	echo "$$sources" > $(STAMP)
	@echo "The book is in $(CURDIR)/_build/html — open _build/html/index.html, or run 'make serve'."

serve:  ## serve the built book on http://127.0.0.1:$(PORT)
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python scripts/serve_book.py --port $(PORT)

dist:  ## the built book as one zip that works opened from disk: _build/dist/alexandra-book.zip
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python scripts/make_dist.py --html _build/html --out _build/dist/alexandra-book.zip

pdf:  ## the whole book as one PDF, printed offline by headless Chromium: _build/pdf/book.pdf
	@test -f _build/html/index.html || $(MAKE) book
	@scripts/require.sh chromium
	$(BIN)/python scripts/build_pdf.py --html _build/html --out _build/pdf/book.pdf

check: $(INSTALLED)  ## the fast loop (under a minute): lint, format, types, unit tests and doctests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# mypy (about 30 s on a cold cache) runs beside the unit tests, which take both cores most of the time.
	@mkdir -p _build; $(BIN)/mypy src/alexandra > _build/mypy.log 2>&1 & types=$$!; \
	$(BIN)/python -m pytest -q -n 2 -m "not notebooks and not browser and not lab and not regeneration"; tests=$$?; \
	wait $$types; typed=$$?; echo "mypy src/alexandra:"; cat _build/mypy.log; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

test: check book pdf  ## run every test: check, then the notebook regression, browser (HTML and PDF) and live JupyterLab tests
	@scripts/require.sh chromium
	$(BIN)/python -m pytest -q -n 2 -m regeneration
	$(BIN)/python -m pytest -q -m "notebooks or browser or lab"

lab: $(INSTALLED)  ## JupyterLab on the chapters (live widgets need this, Binder or Colab)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) book/intro.md

bench: $(INSTALLED) $(ASSETS)  ## print build/test times, page sizes and engine timings (ours vs IPDfromKM needs r-base-core r-cran-survival r-cran-dplyr)
	@scripts/require.sh chromium
	$(BIN)/python benchmarks/run.py

nb: book  ## save the outputs the build executed into the notebooks: make nb [NB=book/02-design.ipynb]
	$(BIN)/python scripts/notebook_outputs.py save $(NB)

r-reference:  ## regenerate tests/r/*.json with R's survival, rpact and mvtnorm (needs r-base-core r-cran-survival r-cran-rpact r-cran-mvtnorm r-cran-jsonlite)
	Rscript tests/r/reference.R
	Rscript tests/r/rpact_reference.R
	Rscript tests/r/nph_reference.R
	Rscript tests/r/stratified_reference.R

data: $(INSTALLED)  ## regenerate every simulated/reconstructed table in data/ (about 6 minutes; then `make nb`)
	@# The pseudo-IPD comes first: it fits the enrolment shape that every other simulation reads.
	$(BIN)/python scripts/alexandra_pseudo_ipd.py --seed 2025 --out data/reconstructed/alexandra_pseudo_ipd.csv
	$(BIN)/python scripts/design_simulations.py --trials 10000 --event-trials 1000 --seed 2025
	$(BIN)/python scripts/stopping_simulation.py --trials 2000 --seed 2025
	$(BIN)/python scripts/nph_power.py --trials 2000 --seed 2025
	$(BIN)/python scripts/stratification_simulation.py --trials 1000 --seed 2025
	$(BIN)/python scripts/precompute_sampling.py --trials 1000 --seed 2025 --true-hrs 0.7,0.75,0.8,0.85,0.9,0.95,1,1.05,1.1,1.15,1.2,1.25,1.3
	$(BIN)/python scripts/accuracy_study.py --trials 420 --out data/reconstructed/accuracy_study.csv
	$(BIN)/python scripts/reconstruction_comparison.py --out data/reconstructed/comparison.csv
	$(BIN)/python scripts/reconstruction_sensitivity.py --seeds 20 --seeds-per-scenario 5 --out data/reconstructed/sensitivity.csv
	@# The real-data study runs the peer IPDfromKM (../shared/peers) beside ours when it is present; it needs
	@# Debian's r-base-core r-cran-survival r-cran-dplyr (without them the peer's column is left out).
	$(BIN)/python scripts/real_data_study.py --readings 5 --out data/reconstructed/real_data_study.csv

clean:  ## remove the build (keeps the virtual environment)
	rm -rf _build
