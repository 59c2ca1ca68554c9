# gridnode: the two commands a newcomer needs are `make demo` and `make test`.
.PHONY: setup setup-unit demo test lint typecheck unit regtest clean

VENV := .venv
PY := $(VENV)/bin/python

# Everything: system packages, the virtual environment, and the Lightning daemons (btcd
# and lnd, built from Go: minutes, the first time).
setup:
	@scripts/setup

# What the tiers below regtest need: the system packages some tests call (systemd-analyze,
# openssl, xxd, the mosquitto broker) and the virtual environment; no Go, no daemons.
setup-unit:
	@scripts/setup --system
	@scripts/setup --python

demo: setup
	@scripts/demo

# The whole suite: lint, strict types (package, tests, bench), then every test tier: the
# tiers without Lightning on two workers (they are CPU-bound and independent), then the
# regtest tier on one (its tests time real daemons). The slowest tests are listed, to
# keep the suite short.
test: setup lint typecheck
	@$(PY) -m pytest -m "not regtest" -n 2 --durations=10
	@$(PY) -m pytest -m regtest --durations=15

lint:
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@scripts/lint_imports

typecheck:
	@scripts/typecheck

# Only the fast tiers (unit and integration, no Lightning), for the edit-test loop.
unit: setup-unit
	@$(PY) -m pytest -m "not regtest" -n 2

regtest: setup
	@$(PY) -m pytest -m regtest

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
