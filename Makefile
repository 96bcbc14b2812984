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
PROCESSED := data/processed/facts.csv

.PHONY: all help venv data report test lab bench lint dictionary notebooks clean

all: report

help:  ## list the make targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): pyproject.toml requirements.lock .jupyter/overrides.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --constraint requirements.lock --editable '.[dev]'
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

venv: $(STAMP)

data: $(PROCESSED)  ## extract the raw page's validated tables into data/processed/

$(PROCESSED): $(STAMP) $(RAW_PAGE) data/raw/MANIFEST.json $(wildcard analysis/*.py) $(wildcard data/external/*.csv)
	$(PY) -m analysis extract $(RAW_PAGE) --out data/processed
	$(PY) -m analysis summary $(RAW_PAGE) --out data/processed

report: data  ## tables, then every notebook re-run (only if its inputs changed) and exported to reports/
	$(PY) -m analysis report --page "$(PAGE)" --out "$(OUT)" $(if $(AS_OF),--as-of "$(AS_OF)")

test: $(STAMP)  ## every test, notebooks (nbval) and browser tests included
	$(PY) -m pytest

lab: $(STAMP)  ## open the project in JupyterLab
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: $(STAMP)  ## time the report build against the plain nbconvert loop
	$(PY) -m analysis.bench

# `make compare PAGES="a.txt b.html" COMPARE_OUT=dir AS_OF=YYYY-MM-DD`: one row per page, charts, CSV, HTML.
# Without PAGES: the raw page, then every page in ../shared/pages and its variants folder.
PAGES ?=
COMPARE_OUT ?= reports/compare
.PHONY: compare
compare: $(STAMP)  ## compare many pages (PAGES="...") into COMPARE_OUT, linking each to its report in reports/
	$(PY) -m analysis compare $(foreach p,$(PAGES),"$(p)") --out "$(COMPARE_OUT)" $(if $(AS_OF),--as-of "$(AS_OF)")

notebooks: data  ## re-execute the committed notebooks in place (after changing analysis/ or the data)
	$(PY) -m analysis.execute_notebooks

lint: $(STAMP)  ## ruff over the code and the notebooks
	$(VENV)/bin/ruff check .

dictionary: $(STAMP)  ## regenerate docs/data-dictionary.md from the schemas
	$(PY) -m analysis dictionary

clean:
	rm -rf reports .pytest_cache
