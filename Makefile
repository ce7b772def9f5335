# The two commands a fresh machine needs: `make demo` and `make test`.
# Both install from the lock files in locks/ (exact versions, so every machine tests the same thing);
# `make fresh-check` installs from pyproject.toml's ranges alone, as a new user's `pip install` does.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
TORCH ?= 2.13.0
LOCK := locks/requirements.lock
LOCK_ST := locks/requirements-st.lock
FRESH ?= /tmp/onrecord-fresh-check
UV ?= uv

.PHONY: demo test lint bench docs clean lock fresh-check

$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check || { echo "locks/ is behind pyproject.toml: run 'pip install uv && make lock'"; exit 1; }
	touch $(STAMP)

# The tests also cover the optional sentence-transformers backends (`onrecord[st]`). torch comes first and
# pinned: a bare requirement would pull a multi-GB CUDA build; 2.13.0 (CPU) is the build kept on disk here.
$(TEST_STAMP): $(STAMP) $(LOCK_ST)
	$(BIN)/pip install -q torch==$(TORCH)
	$(BIN)/pip install -q -r $(LOCK_ST)
	$(BIN)/pip check || { echo "locks/ is behind pyproject.toml: run 'pip install uv && make lock'"; exit 1; }
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
	$(BIN)/python benchmarks/bench_startup.py

docs: $(STAMP)
	$(BIN)/python docs/gen_cli_reference.py

# Regenerate both locks from pyproject.toml (needs uv: `pip install uv`). The st lock is constrained by the
# first, so the packages they share have one version; torch is the CPU build (locks/torch-cpu.txt).
lock:
	$(UV) pip compile pyproject.toml --extra dev --extra fast --extra postgres --upgrade \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header -q -o $(LOCK).tmp
	$(UV) pip compile pyproject.toml --extra dev --extra fast --extra postgres --extra st -c $(LOCK).tmp \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header -q \
		--find-links /opt/wheels --override locks/torch-cpu.txt --index-strategy unsafe-best-match -o $(LOCK_ST).tmp
	for f in $(LOCK) $(LOCK_ST); do \
		{ echo "# Exact versions for make demo, make test and .ci/run. Do not edit: regenerate with"; \
		  echo "#   pip install uv && make lock"; \
		  echo "# (uv pip compile of pyproject.toml; see the Makefile's lock target), then make test."; \
		  sed 's|$(LOCK).tmp|$(LOCK)|' $$f.tmp; } > $$f && rm $$f.tmp; done

# A new user's install: today's newest versions allowed by pyproject.toml's ranges, no lock, no editable
# install, in a fresh venv; then the demo must play.
fresh-check:
	rm -rf $(FRESH)
	$(PY) -m venv $(FRESH)/venv
	$(FRESH)/venv/bin/pip install -q --upgrade pip
	$(FRESH)/venv/bin/pip install -q .
	cd $(FRESH) && venv/bin/onrecord --version && venv/bin/onrecord --data demo-data demo > demo.txt
	grep -q "onrecord demo" $(FRESH)/demo.txt
	$(FRESH)/venv/bin/pip freeze > $(FRESH)/resolved.txt
	@echo "fresh install from the ranges: ok ($$(wc -l < $(FRESH)/resolved.txt) packages, in $(FRESH)/resolved.txt)"

clean:
	rm -rf $(VENV) onrecord-demo onrecord-data .pytest_cache .ruff_cache .mypy_cache
