# The front door. `make demo` runs the product; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

PORT ?= 8000

.PHONY: demo test lint install runtime system bench clean

# What the product needs to run (`make demo`): no test tools, no process mining.
$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

# Everything the tests need besides (`make test`).
$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet -e ".[dev,mining]"
	# The client generator of tests/web/test_api_generated_client_http.py, without its
	# dependencies: it asks typer<0.28, the product pins 0.29 (the generator's own CLI is all
	# that uses typer; the tests call its Python API). What else it needs is in the dev extra.
	$(BIN)/pip install --quiet --no-deps "openapi-python-client==0.29.1"
	touch $@

runtime: $(VENV)/.runtime

install: $(VENV)/.dev

system:  ## Debian packages the tests need (PostgreSQL); needs root, skipped when present
	scripts/system-packages.sh

demo: runtime  ## the product on http://127.0.0.1:$(PORT) (make demo PORT=8080)
	$(BIN)/terugkeer demo --port $(PORT)

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
