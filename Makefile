# The course's commands.  Two matter:
#   make lab    set everything up (first time) and open the course in JupyterLab
#   make test   set everything up (first time) and run the whole test suite
# Everything lands in ./.venv; nothing is installed outside this folder.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.course-installed
LAB_CONFIG := $(VENV)/etc/jupyter/labconfig/page_config.json
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: lab test setup lock benchmark release grade clean help
.DEFAULT_GOAL := help

help:
	@echo "make lab        open the course in JupyterLab (sets up .venv the first time)"
	@echo "make test       run the whole test suite (sets up .venv the first time)"
	@echo "make benchmark  numpy trainer vs Keras, notebook run times, grading speed, widget redraws"
	@echo "make grade SUBMISSIONS=dir-or-zip [OUT=grading] [ASSIGNMENT=assignment_digits]"
	@echo "                autograde a class with nbgrader, sandboxed and in parallel"
	@echo "make release    regenerate notebooks/week2 from autograder/source (nbgrader)"
	@echo "make lock       re-freeze constraints.txt after changing requirements.txt"
	@echo "make clean      remove .venv and caches"

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml $(wildcard jupyter/*)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), \
	  f"Python 3.11 is required, found {sys.version.split()[0]}: set PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -c "import utils.quiet_tf as q; q.write_pth()"
	mkdir -p $(dir $(LAB_CONFIG)) $(dir $(LAB_OVERRIDES))
	cp jupyter/page_config.json $(LAB_CONFIG)
	cp jupyter/overrides.json $(LAB_OVERRIDES)
	cp jupyter/jupyter_server_config.json jupyter/nbgrader_config.py $(VENV)/etc/jupyter/
	touch $@

lab: $(STAMP)
	@tools/system-deps.sh fonts || true
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" \
	  $(ROOT_FLAG) notebooks/$(if $(filter zh%,$(COURSE_LANG)),zh/)START_HERE.ipynb

test: $(STAMP)
	tools/system-deps.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks.train_digits
	$(BIN)/python -m benchmarks.notebooks
	$(BIN)/python -m benchmarks.grading
	$(BIN)/python -m benchmarks.widgets
	$(BIN)/python -m benchmarks.cluster

OUT ?= grading
ASSIGNMENT ?= assignment_digits
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-or-zip [OUT=grading]"; exit 2; }
	$(BIN)/python -m autograder grade "$(SUBMISSIONS)" --out "$(OUT)" --assignment "$(ASSIGNMENT)"

release: $(STAMP)
	$(BIN)/python -m autograder release

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
