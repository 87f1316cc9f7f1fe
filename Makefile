# Two commands set everything up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core shared-mime-info
# Tests run the notice in real Chromium (Debian's, driven by Playwright; never downloaded) with
# axe-core from npm; Debian's npm only when no npm is on PATH.
TEST_DEBS := chromium $(if $(shell command -v npm),,npm)
AXE := .cache/npm/node_modules/axe-core/axe.min.js

.PHONY: demo test check lint typecheck importlint unit bench clean deps

deps: $(STAMP)

# Debian packages WeasyPrint needs; apt only runs when one is missing.
.PHONY: .debs
.debs:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

.PHONY: .test-debs
.test-debs:
	@$(MAKE) --no-print-directory .debs DEBS='$(TEST_DEBS)'

$(AXE): | .test-debs
	npm install --no-save --no-audit --no-fund --prefix .cache/npm axe-core@4
	@touch $(AXE)

$(STAMP): pyproject.toml | .debs
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[pdf,dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/treu demo --examples examples --out out

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy src

importlint: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP) $(AXE) | .test-debs
	$(BIN)/pytest -n 2 tests

test: $(STAMP) lint typecheck importlint unit

bench: $(STAMP)
	@for b in bench/*.py; do case $$(basename $$b) in _*) continue;; esac; \
	  echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache build dist out .mypy_cache .pytest_cache .ruff_cache
