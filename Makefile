# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.prefect
export HF_HUB_OFFLINE := 1

.PHONY: setup demo test test-browser test-scale eval bench prefect-server scale-demo clean

setup: $(VENV)/.installed

# torch first, pinned to the CPU build on local disk, so pip never pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,dask]'
	@if $(BIN)/pip list 2>/dev/null | grep -qi '^nvidia'; then echo "error: a CUDA build of torch crept in" >&2; exit 1; fi
	touch $@

demo: setup
	$(BIN)/storydiff demo

test: setup
	$(BIN)/pytest -q

# The demo report and the report index in headless Chromium (Debian package `chromium`).
# STORYDIFF_SCREENSHOTS=DIR also saves a screenshot of each.
test-browser: setup
	STORYDIFF_BROWSER=1 $(BIN)/pytest -q -m browser

# Scores on ../shared/data (MRPC test, SICK test, RTE dev) and the sample story; writes
# eval/results.json. Then the real-news development stories with the editors' scorer
# (../shared/tools/story_eval.py): eval/stories.json.
eval: setup
	$(BIN)/storydiff eval --data $(or $(DATA),../shared/data)
	$(BIN)/python eval/stories.py --shared $(or $(SHARED),../shared)

# Speed and memory, side by side in one run: prints a table, writes bench/results.json (about 11 min).
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A Prefect server on a local PostgreSQL, for workers (see README "Workers"); run as root.
prefect-server: setup
	scripts/prefect-server-postgres.sh

# Stories through two Prefect process workers on that server, results as Parquet, against one
# worker and one process, side by side; writes bench/scale.json (README "Workers"). Run as root.
scale-demo: setup
	@command -v pg_lsclusters >/dev/null || apt-get install -y -q postgresql >/dev/null
	$(BIN)/python scripts/scale_demo.py $(SCALE_ARGS)

# The same on four stories, as a test (tests/test_scale.py); skipped without root and PostgreSQL.
test-scale: setup
	STORYDIFF_SCALE=1 $(BIN)/pytest -q -m scale

clean:
	rm -rf $(VENV) .prefect data/storydiff.duckdb data/reports .pytest_cache
