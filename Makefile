# Two entry points for a fresh machine with Python 3.11: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test generate check lint bench bench-compare clean

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

## Install everything and run the whole service on the embedded defaults (SQLite, local files).
serve: $(BIN)/.installed
	$(BIN)/lms serve

## Run the whole test suite (SQLite and PostgreSQL, through Envoy, gRPC and WebSocket).
test: $(BIN)/.installed
	$(BIN)/python -m pytest

## Regenerate stubs, descriptor set, OpenAPI document and Envoy configs from protos/.
generate: $(BIN)/.installed
	$(BIN)/python -m tools.codegen

## Generated files up to date, protos and Python code linted (buf lint, ruff: see pyproject.toml).
check: $(BIN)/.installed
	$(BIN)/python -m tools.codegen --check
	$(BIN)/buf lint
	$(BIN)/lint-imports
	$(BIN)/ruff check server tests tools bench scripts

## Lint only: protos (buf), Python (ruff, configured in pyproject.toml) and import boundaries (import-linter).
lint: $(BIN)/.installed
	$(BIN)/buf lint
	$(BIN)/ruff check server tests tools bench scripts
	$(BIN)/lint-imports

bench: $(BIN)/.installed
	$(BIN)/python -m bench.run

## The API benchmark side by side with the DRF peer (needs PostgreSQL and wrk; the peer is optional: docs/performance.md).
bench-compare: $(BIN)/.installed
	$(BIN)/python -m bench.compare

clean:
	rm -rf $(VENV) .lms
