# dystonia-facts: `make report` builds everything, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PAGE ?= data/raw/nhs-choices-dystonia-2013.txt

.PHONY: all venv data report test lab bench lint dictionary notebooks clean

all: report

$(STAMP): pyproject.toml requirements.lock .jupyter/overrides.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --constraint requirements.lock --editable '.[dev]'
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

venv: $(STAMP)

data: $(STAMP)  ## extract the page's validated tables into data/processed/
	$(PY) -m analysis extract $(PAGE) --out data/processed
	$(PY) -m analysis summary $(PAGE) --out data/processed

report: data  ## tables, then every notebook re-run and exported to reports/
	$(PY) -m analysis report --page $(PAGE)

test: $(STAMP)  ## every test, notebooks (nbval) and browser tests included
	$(PY) -m pytest

lab: $(STAMP)  ## open the project in JupyterLab
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: $(STAMP)  ## time the report build against the plain nbconvert loop
	$(PY) -m analysis.bench

notebooks: data  ## re-execute the committed notebooks in place (after changing analysis/ or the data)
	$(PY) -m analysis.execute_notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check .

dictionary: $(STAMP)
	$(PY) -m analysis dictionary

clean:
	rm -rf reports .pytest_cache
