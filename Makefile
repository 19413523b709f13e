# 东川人才政策助手 — every target installs what it needs first, so `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6.21 needs Python 3.10 (<3.11). Override with `make PYTHON310=/path/to/python3.10 …`.
PYTHON310 ?= $(shell for p in python3.10 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python 2>/dev/null | sort -V -r); do \
               $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { command -v $$p; break; }; done)
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
KB        := build/kb.sqlite
KB_SOURCES := $(wildcard policy_kb/data/*.yml policy_kb/data/clauses/*.yml policy_kb/source/*.txt policy_kb/*.py)

.PHONY: help install kb model test lint format run shell search clause unit bench-kb bench-rest bench-rest-compare eval clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 not found: see README.md (Getting Python 3.10)"; exit 1; fi
	$(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP) ## create .venv with Python 3.10 and the pinned dependencies

$(KB): $(STAMP) $(KB_SOURCES)
	$(PY) -m policy_kb build --out $(KB)

kb: $(KB) ## build the knowledge base (SQLite) from policy_kb/data

MODEL := models/assistant.tar.gz
MODEL_INPUTS := config.yml domain.yml $(KB) $(shell find nlu_data bot/dialogue bot/nlu -name '*.yml' -o -name '*.py' 2>/dev/null)

$(MODEL): $(MODEL_INPUTS)
	$(MAKE) --no-print-directory nlu-data
	source scripts/env.sh && .venv/bin/rasa train --config config.yml --domain domain.yml \
	  --data nlu_data bot/dialogue --out models --fixed-model-name assistant
	touch $(MODEL)

model: $(MODEL) ## train the Rasa model (only when its inputs changed)

run: $(MODEL) ## start the assistant: action server + Rasa server (REST on :5005)
	scripts/run.sh

shell: $(MODEL) ## chat with the assistant in this terminal (action server started and stopped with it)
	scripts/run.sh shell

test: $(MODEL) lint mutation-fast ## run every test, after the lint and the fast mutation subset (installs Debian's chromium, redis-server, postgresql and nginx first, if missing)
	scripts/install-browser.sh
	scripts/services.sh install
	$(PY) -m pytest

lint: $(STAMP) ## ruff (lint and format check, ruff.toml), mypy on policy_kb/ and actions/ (mypy.ini), yamllint on policy_kb/data (.yamllint.yml); `make format` rewrites
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m yamllint -c .yamllint.yml --strict policy_kb/data

format: $(STAMP) ## rewrite the code in the project's format (ruff format, import order)
	$(PY) -m ruff check --select I --fix .
	$(PY) -m ruff format .

search: $(KB) ## hotline lookup: make search q=退休名师
	@$(PY) -m policy_kb search "$(q)"

clause: $(KB) ## one clause verbatim: make clause q=第9条
	@$(PY) -m policy_kb clause "$(q)"

unit: $(KB) ## clauses of a responsible unit: make unit q=区教育体育局
	@$(PY) -m policy_kb unit "$(q)"

bench-kb: $(KB) ## benchmark KB build time and search latency (writes benchmarks/kb_search.md)
	$(PY) benchmarks/kb_search.py

bench-rest: $(MODEL) ## benchmark the REST channel: 20 conversations at 15 and 30 messages/s, and capacity (writes benchmarks/rest_load.md)
	$(PY) benchmarks/rest_load.py

bench-rest-compare: $(MODEL) ## the REST benchmark beside an earlier revision, alternating, in one run: make bench-rest-compare base=<rev> (writes benchmarks/rest_compare.md)
	@if [ -z "$(base)" ]; then echo "usage: make bench-rest-compare base=<rev>"; exit 2; fi
	$(PY) benchmarks/rest_compare.py --base "$(base)"

eval: $(MODEL) ## run ../shared/eval (public sample + dev set) against a freshly started assistant, beside the keyword baseline (writes benchmarks/eval_public.md)
	$(PY) benchmarks/eval_public.py

clean: ## remove the venv and built files
	rm -rf $(VENV) build

# Further targets live beside their subsystem (NLU, channels, web …).
-include mk/*.mk
