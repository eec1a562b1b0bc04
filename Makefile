# ivp-analysis: `make report` builds the default report, `make test` runs every check.
# Both create the virtual environment from the lock file first; nothing is installed by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARAMS ?= notebooks/params/GM1926_tussenevaluatie-2024.yaml

.DEFAULT_GOAL := help
.PHONY: help install browser report test lint format lab bench lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -c "from ivp_analysis.report import install_kernel; install_kernel()"
	touch $@

install: $(STAMP) ## create .venv with the pinned dependencies and the package

report: $(STAMP) ## build the default report (GM1926, tussenevaluatie-2024) into reports/
	$(BIN)/ivp report --params $(PARAMS)

browser: ## install Debian's chromium for the HTML check where possible (root + apt-get)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || \
	  echo "chromium could not be installed: the browser test will be skipped (install Debian's chromium)"

test: $(STAMP) browser ## run unit tests, doctests, notebooks (nbval), pipeline and browser tests, ruff, mypy
	$(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: $(STAMP) ## check style with ruff and types with mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## reformat code and notebooks with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lab: $(STAMP) ## open JupyterLab on notebooks/ with the ivp-analysis kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

bench: $(STAMP) ## run the benchmark scripts and print their figures
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lock: ## regenerate requirements.lock from pyproject.toml (needs network)
	rm -rf build/lockenv && $(PYTHON) -m venv build/lockenv
	build/lockenv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade ".[dev,cluster]" setuptools
	echo "# Exact versions for reproducible installs; regenerate with 'make lock'. Python 3.11." > requirements.lock
	build/lockenv/bin/python -m pip freeze --all --exclude-editable \
	  | grep -v -i -E '^(ivp-analysis|pip)( @|==)' >> requirements.lock
	rm -rf build/lockenv

clean: ## remove the virtual environment and generated reports
	rm -rf $(VENV) build reports/*/ reports/.staging reports/.failed
