# Two entry points: `make run` (the app on the default example) and `make test` (the whole suite, headless).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WARMUP := $(BIN)/spikestudio warmup

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "SpikeStudio needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installing also compiles the kernels once, so no later launch pays numba's compile time.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[digits,sweep]'
	$(WARMUP)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(WARMUP)
	touch $@ $(VENV)/.installed

# Benchmarks get a venv of their own: Brian2 2.9 needs numpy < 2.3, which the app itself does not.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	touch $@

# NEST 3.10 (pip nest-simulator) with PyNN: the PyNN export tests run the exported scripts on NEST itself.
NEST_VENV := .venv-nest
$(NEST_VENV)/.installed: Makefile
	$(PYTHON) -m venv $(NEST_VENV)
	$(NEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEST_VENV)/bin/python -m pip install --quiet 'nest-simulator>=3.10,<3.11' 'PyNN>=0.13,<0.14'
	touch $@

run: $(VENV)/.installed
	$(BIN)/spikestudio

# The Brian2 export tests run the exported scripts in .venv-bench (Brian2 2.9 needs numpy < 2.3).
test: $(VENV)/.installed-test $(BENCH_VENV)/.installed $(NEST_VENV)/.installed
	QT_QPA_PLATFORM=offscreen SPIKESTUDIO_BRIAN2_PYTHON=$(CURDIR)/$(BENCH_VENV)/bin/python \
		SPIKESTUDIO_NEST_PYTHON=$(CURDIR)/$(NEST_VENV)/bin/python $(BIN)/python -m pytest
	$(BIN)/ruff check .

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/cuba.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(NEST_VENV) build *.egg-info
