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

.PHONY: run test lint clean browser

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

test: $(VENV)/.installed-dev browser  ## set up and run the whole test suite (lint first)
	$(BIN)/ruff check chuxin flows tasks tests benchmarks docs
	$(BIN)/python -m pytest

# Headless Chromium and CJK fonts (Debian) for the tests that look at Data Docs and the report.
# Best effort: without root or apt those tests are skipped with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'noto sans cjk' || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "note: chromium/fonts-noto-cjk not installed; browser tests will be skipped"; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check chuxin flows tasks tests benchmarks docs

clean:  ## remove pipeline outputs (keeps data/raw)
	rm -rf data/warehouse.duckdb data/.warehouse.building.duckdb* data/staging data/parquet data/dq data/docs data/report

# --- Scheduled runs (see README, "Running on a schedule"): one terminal each. ---
PREFECT_PORT ?= 4200
API := http://127.0.0.1:$(PREFECT_PORT)/api

.PHONY: server worker deploy serve
server: $(VENV)/.installed-run  ## a local Prefect server (SQLite under .prefect/), loopback only
	$(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)

worker: $(VENV)/.installed-run  ## a worker for the process work pool "chuxin"
	PREFECT_API_URL=$(API) $(BIN)/prefect worker start --pool chuxin --type process

deploy: $(VENV)/.installed-run  ## register chuxin-etl/scheduled (daily 02:00 Asia/Shanghai; CHUXIN_CRON to change)
	PREFECT_API_URL=$(API) $(BIN)/chuxin deploy

serve: $(VENV)/.installed-run  ## alternative to worker+deploy: serve the deployment from one process
	PREFECT_API_URL=$(API) $(BIN)/chuxin serve

# --- Maintainers ---
.PHONY: bench fuzz
bench: $(VENV)/.installed-dev  ## every benchmark → BENCHMARKS.md, benchmarks/results.json (CHUXIN_BENCH_1M=1 adds 1M reports)
	$(BIN)/python -m benchmarks.run

fuzz: $(VENV)/.installed-dev  ## a longer coverage-guided fuzz of the parser with atheris (10 minutes)
	$(BIN)/python -m pip install --quiet atheris
	mkdir -p /tmp/chuxin-corpus && cp data/raw/*.txt /tmp/chuxin-corpus/
	$(BIN)/python benchmarks/fuzz_atheris.py /tmp/chuxin-corpus -max_total_time=600 -max_len=65536
