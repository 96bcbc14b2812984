# dystonia-facts: `make report` builds everything, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAW_PAGE := data/raw/nhs-choices-dystonia-2013.txt
# `make report PAGE=... OUT=... AS_OF=YYYY-MM-DD` builds a report for another copy of the page;
# data/processed/ always holds the tables of the raw page above.
PAGE ?= $(RAW_PAGE)
OUT ?= reports
AS_OF ?=
# Stamp of the last extraction (git-ignored); the processed CSVs are prerequisites, so an edited
# table is noticed and rebuilt.
PROCESSED := data/.processed.stamp

.PHONY: all help venv data report test lab bench lint dictionary notebooks clean

all: report

help:  ## list the make targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

# uv (from PyPI, pinned in requirements.lock) installs the same locked versions in parallel, several
# times faster than pip; if it cannot be installed or fails, pip does the install as before. uv compiles the
# bytecode as pip does (without it every process recompiles pandas and plotly: 1.8 s instead of 0.5 s to import).
# jsonschema (read by nbformat and the JupyterLab server) imports rfc3987-syntax when it is installed, which
# compiles about 38 Lark grammars at import: 1.3 s in every process that reads a notebook. No schema here uses
# the iri formats it checks (python-jsonschema/jsonschema#1428), so it and lark are removed after the install.
SLOW_OPTIONAL := rfc3987-syntax lark
$(STAMP): pyproject.toml requirements.lock .jupyter/overrides.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if $(PY) -m pip install --quiet --constraint requirements.lock uv \
	    && mkdir -p $(VENV)/tmp && TMPDIR=$(abspath $(VENV))/tmp $(VENV)/bin/uv pip install --quiet --compile-bytecode --native-tls --python $(PY) --constraint requirements.lock --editable '.[dev]'; \
	then echo "installed with uv"; \
	else $(PY) -m pip install --quiet --constraint requirements.lock --editable '.[dev]'; fi
	$(PY) -m pip uninstall --quiet --yes $(SLOW_OPTIONAL)
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

venv: $(STAMP)

data: $(PROCESSED)  ## extract the raw page's validated tables into data/processed/

$(PROCESSED): $(STAMP) $(RAW_PAGE) data/raw/MANIFEST.json $(wildcard analysis/*.py analysis/*/*.py) $(wildcard data/external/*.csv) $(wildcard data/processed/*.csv)
	$(PY) -m analysis extract "$(RAW_PAGE)" --out data/processed --summary
	touch $(PROCESSED)

# The project's own bytecode, written once (this machine sets PYTHONDONTWRITEBYTECODE, so otherwise every build,
# kernel and test process compiles `analysis` again: ~0.1 s each); Python recompiles a file that changed.
BYTECODE := $(PY) -m compileall -q analysis tests >/dev/null

report: data  ## tables, then every notebook re-run (only if its inputs changed) and exported to reports/
	$(BYTECODE)
	$(PY) -m analysis report --page "$(PAGE)" --out "$(OUT)" $(if $(AS_OF),--as-of "$(AS_OF)")

# Test files run in parallel on every core (pytest-xdist, --dist loadfile); a file's tests stay on one worker, so the
# reports and servers its fixtures build are shared by its tests. The slowest files start first (SLOW_FIRST in
# tests/conftest.py; --no-loadscope-reorder keeps that order). TEST_JOBS=0 runs them in one process.
TEST_JOBS ?= auto
test: $(STAMP)  ## every test, notebooks (nbval) and browser tests included
	$(BYTECODE)
	$(PY) -m pytest $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder)

# `make lab LAB_ARGS="--ip=0.0.0.0 --port=8890"` passes flags to JupyterLab. The project config detects root
# (--allow-root) and a missing display (no browser; the URL with its token is printed), and starts in explore/.
LAB_ARGS ?=
lab: $(STAMP)  ## open the project in JupyterLab (your own notebooks go in explore/, git-ignored)
	$(VENV)/bin/jupyter lab --config=.jupyter/jupyter_server_config.py $(LAB_ARGS)

bench: $(STAMP)  ## time the report build against the plain nbconvert loop, a fresh clone's set-up and tests, the comparison
	$(PY) -m analysis.report.bench
	$(PY) -m analysis.report.bench_setup
	$(PY) -m analysis.compare.bench

# `make compare PAGES="a.txt b.html" COMPARE_OUT=dir AS_OF=YYYY-MM-DD`: one row per page, charts, CSV, HTML.
# Without PAGES: the raw page, then every page in ../shared/pages and its variants folder.
PAGES ?=
COMPARE_OUT ?= reports/compare
.PHONY: compare
compare: $(STAMP)  ## compare many pages (PAGES="...") into COMPARE_OUT, linking each to its report in reports/
	$(PY) -m analysis compare $(foreach p,$(PAGES),"$(p)") --out "$(COMPARE_OUT)" $(if $(AS_OF),--as-of "$(AS_OF)")

notebooks: data  ## re-execute the committed notebooks in place (after changing analysis/ or the data)
	$(PY) -m analysis.report.execute_notebooks

lint: $(STAMP)  ## ruff over the code and the notebooks
	$(VENV)/bin/ruff check .

dictionary: $(STAMP)  ## regenerate docs/data-dictionary.md from the schemas
	$(PY) -m analysis dictionary

clean:
	rm -rf reports .pytest_cache
