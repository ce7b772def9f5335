# The two commands a fresh machine needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TORCH ?= 2.13.0

.PHONY: demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,fast]'
	touch $(STAMP)

# The tests also cover the optional sentence-transformers backends (`onrecord[st]`). torch comes first and
# pinned: a bare requirement would pull a multi-GB CUDA build; 2.13.0 (CPU) is the build kept on disk here.
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install -q torch==$(TORCH)
	$(BIN)/pip install -q -e '.[dev,fast,st]'
	touch $(TEST_STAMP)

demo: $(STAMP)
	$(BIN)/onrecord demo

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_watch.py

docs: $(STAMP)
	$(BIN)/python docs/gen_cli_reference.py

clean:
	rm -rf $(VENV) onrecord-demo onrecord-data .pytest_cache .ruff_cache .mypy_cache
