# chuxin — the few verbs a user and CI need. Everything installs into .venv from
# constraints.txt, a known-good pinned set (an unpinned prefect install is broken today).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

# Offline and quiet: no telemetry, Prefect state kept inside the checkout.
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export TQDM_DISABLE := 1
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run  ## set up and run the pipeline on data/raw
	$(BIN)/chuxin run

test: $(VENV)/.installed-dev  ## set up and run the whole test suite
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check chuxin flows tasks tests

clean:  ## remove pipeline outputs (keeps data/raw)
	rm -rf data/warehouse.duckdb data/.warehouse.building.duckdb* data/staging data/parquet data/dq data/docs data/report
