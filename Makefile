# advanti: two commands. `make reproduce` regenerates the tables and figures on the embedded digits dataset;
# `make test` checks the notebooks and the exported package agree and runs every test. Both create the
# virtual environment (.venv) on first use and reuse it afterwards.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.advanti-installed
PROFILE ?= quick
ARGS ?=
LAB_ARGS ?=
# small models on a small CPU: one thread each avoids oversubscription (nbdev_test runs notebooks in parallel)
export OMP_NUM_THREADS ?= 1
export PYTHONHASHSEED := 0
# the same numbers on every x86-64 machine with AVX2: torch, oneDNN and MKL otherwise pick kernels per processor
export ATEN_CPU_CAPABILITY ?= avx2
export ONEDNN_MAX_CPU_ISA ?= AVX2
export MKL_CBWR ?= AVX2

.PHONY: setup reproduce test check-export check-clean test-notebooks test-python test-numerics outputs lab clean-env

$(STAMP): setup.py settings.ini constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[experiments,eval,notebooks,dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (advanti)" > /dev/null
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install advanti with all extras (pinned by constraints.txt)

reproduce: $(STAMP) ## train every job of a profile as one grid, then write every table and figure -> results/
	$(BIN)/advanti reproduce --profile $(PROFILE) $(ARGS)

check-export: $(STAMP) ## the exported package must match the notebooks
	$(BIN)/nbdev_export
	@git diff --quiet -- advanti && test -z "$$(git status --porcelain -- advanti)" || \
	  { git status --short -- advanti; echo "advanti/ differs from the notebooks: run nbdev_export and commit"; exit 1; }

check-clean: $(STAMP) ## notebooks must be clean (nbdev_clean changes nothing)
	$(BIN)/nbdev_clean
	@git diff --quiet -- nbs || { git diff --stat -- nbs; echo "notebooks are not clean: run nbdev_clean and commit"; exit 1; }

test-notebooks: $(STAMP) ## run the library notebooks' tests (experiment notebooks carry .notest)
	$(BIN)/nbdev_test --n_workers 2 --timing

test-python: $(STAMP) ## pytest: packaging, CIFAR loading, experiment notebooks through papermill, properties
	$(BIN)/python -m pytest tests

# the numerical tests again under settings that stand in for other machines (tests/caat_meta_case.py): the
# reference kernels instead of AVX2, oneDNN off, MKL's compatible code path (the pinned setting runs in test-python)
test-numerics: $(STAMP) ## the numerical tests under each stand-in for another machine
	ATEN_CPU_CAPABILITY=default $(BIN)/python -m pytest -q -m numerics tests
	ADVANTI_ONEDNN=0 $(BIN)/python -m pytest -q -m numerics tests
	MKL_CBWR=COMPATIBLE $(BIN)/python -m pytest -q -m numerics tests

test: $(STAMP) ## everything CI runs
	$(BIN)/python -m pip check
	$(MAKE) --no-print-directory check-export check-clean test-notebooks test-python test-numerics

outputs: $(STAMP) ## re-execute the library notebooks in place (NB=nbs/02_perturb.ipynb for one) and list what changed
	$(BIN)/python .ci/execute_notebooks.py $(NB)
	$(BIN)/nbdev_clean
	@git diff --stat -- nbs; git diff --quiet -- nbs && echo "no output changed" || echo "outputs changed (git diff nbs)"

lab: $(STAMP) ## open JupyterLab at the repository root (nbs/ and results/); flags: make lab LAB_ARGS="--allow-root --no-browser"
	$(BIN)/jupyter lab $(LAB_ARGS)

clean-env: ## remove the virtual environment
	rm -rf $(VENV)
