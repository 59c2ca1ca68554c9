# gridnode: the two commands a newcomer needs are `make demo` and `make test`.
.PHONY: setup demo test lint typecheck unit regtest clean

VENV := .venv
PY := $(VENV)/bin/python

setup:
	@scripts/setup

demo: setup
	@scripts/demo

# The whole suite: lint, strict types, then every test tier (unit and regtest).
test: setup lint typecheck
	@$(PY) -m pytest

lint:
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@scripts/lint_imports

typecheck:
	@scripts/typecheck

# Only the fast tiers, for the edit-test loop.
unit: setup
	@$(PY) -m pytest -m "not regtest"

regtest: setup
	@$(PY) -m pytest -m regtest

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
