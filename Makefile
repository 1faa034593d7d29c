# Set-up and the two everyday commands. Each target creates .venv on first use and installs
# the pinned dependencies (requirements.lock), the project, and the DuckDB extensions from PyPI.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ioc-installed
AGENCY := .venv-agency
AGENCY_STAMP := $(AGENCY)/.installed

.PHONY: run test lint ui serve setup clean agency-clients

$(STAMP): pyproject.toml requirements.lock tools/system-packages.sh
	bash tools/system-packages.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/ioc setup
	@touch $(STAMP)

setup: $(STAMP)

# an agency's own tools (the official Delta Sharing client, OWSLib), apart from the project
$(AGENCY_STAMP): tools/agency-clients.lock $(STAMP)
	@test -x $(AGENCY)/bin/python || $(PYTHON) -m venv $(AGENCY)
	$(BIN)/uv pip install --quiet --python $(AGENCY)/bin/python -r tools/agency-clients.lock
	@touch $(AGENCY_STAMP)

agency-clients: $(AGENCY_STAMP)

## run: the main job end to end on the embedded default (demo data if the landing zone is empty)
run: $(STAMP)
	$(BIN)/ioc run --approve-by "make run (demo)"

## test: lint + the whole test suite (end-to-end tests included), on two workers: each test
## module runs whole on one worker, so a module's shared fixtures are built once
test: $(STAMP) $(AGENCY_STAMP)
	$(BIN)/ruff check ioc_pipelines connectors quality_checks tests benchmarks
	$(BIN)/sqlfluff lint dbt_project
	$(BIN)/python -m pytest -n 2 --dist loadfile

## serve: the web portal and JSON API on http://127.0.0.1:8088 (first admin: docs/security.md)
serve: $(STAMP)
	$(BIN)/ioc serve

## ui: Dagster UI on http://127.0.0.1:3000 with the instance under $$IOC_HOME/dagster
ui: $(STAMP)
	$(BIN)/ioc ui

clean:
	rm -rf .ioc dbt_project/target dbt_project/logs $(AGENCY)
