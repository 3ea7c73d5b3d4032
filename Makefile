# The front door. `make demo` runs the product; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install system bench clean

$(BIN)/terugkeer: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev,mining]"
	touch $@

install: $(BIN)/terugkeer

system:  ## Debian packages the tests need (PostgreSQL); needs root, skipped when present
	scripts/system-packages.sh

demo: install
	$(BIN)/terugkeer demo

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src
	$(BIN)/lint-imports

test: system install lint
	scripts/run-tests.sh

bench: install
	$(BIN)/terugkeer bench import

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
