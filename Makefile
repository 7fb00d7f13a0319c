# The two commands a new user needs:
#   make serve   create the environment if missing, then serve the chat widget on http://127.0.0.1:8080
#   make test    create the environment with the dev extras, then run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q

.PHONY: serve test install install-dev

serve: $(VENV)/.installed
	$(BIN)/aisle serve $(ARGS)

test: $(VENV)/.installed-dev
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-redis.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) "torch==2.13.0"
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) -e ".[dev]"
	touch $@
