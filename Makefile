# tmse — the two commands in the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
VENDOR := tmse/web/static/vendor
export TMSE_DATABASE_URL ?= sqlite:///./tmse.db

.PHONY: run test install dev assets lint typecheck unit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP) assets

dev: $(DEV_STAMP) assets

# Front-end assets come from the npm registry (package.json, package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/tabler $(VENDOR)/echarts $(VENDOR)/htmx $(VENDOR)/swagger-ui
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	touch $@

assets: $(VENDOR)/.stamp

run: install
	$(BIN)/tmse db upgrade
	$(BIN)/tmse demo --if-empty
	$(BIN)/tmse serve --host 127.0.0.1 --port 8000

# ruff for style and security rules; import-linter for the layers (contracts in pyproject.toml).
lint: $(DEV_STAMP)
	$(BIN)/ruff check tmse tests $(wildcard benchmarks)
	$(BIN)/ruff format --check tmse tests $(wildcard benchmarks)
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy tmse

# pytest exits 5 when it collected nothing; that is a failure here, never a pass.
unit: dev
	$(BIN)/pytest -n 2 --dist loadfile -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

test: lint typecheck unit

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
