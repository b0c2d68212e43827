# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install install-dev lint unit docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

install: $(BIN)/python
	$(PIP) install -e .

install-dev: $(BIN)/python
	$(PIP) install -e ".[dev,peers,dask]"

demo: install
	$(BIN)/glmnet-bridge compare

lint: install-dev
	$(BIN)/ruff check .

unit: install-dev
	$(BIN)/python -m pytest -q

docs: install-dev
	$(BIN)/python docs/gen_api.py
	$(BIN)/python docs/run_notebooks.py
	$(BIN)/mkdocs build --strict --quiet

test: lint unit docs

bench: install-dev
	$(BIN)/python benchmarks/bench_fit.py
	$(BIN)/python benchmarks/bench_network.py
	$(BIN)/python benchmarks/bench_path.py

clean:
	rm -rf $(VENV) build dist site *.egg-info .pytest_cache .ruff_cache
