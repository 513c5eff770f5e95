# Bean Hop: the whole setup is `make dev` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium

.PHONY: help dev test lint fmt clean venv browser build bench bench-web bench-native check-web native

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing Bean Hop with its dev tools (first run: about a minute)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip > $(VENV)/install.log 2>&1 || true
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' >> $(VENV)/install.log 2>&1 \
		|| { tail -n 30 $(VENV)/install.log; echo "error: installing the project into $(VENV) failed (full log: $(VENV)/install.log)"; exit 1; }
	@PYGAME_HIDE_SUPPORT_PROMPT=1 $(PY) -c 'import pygame, fastapi, sqlalchemy, pytest' 2>/dev/null || { echo "error: the project is not importable from $(VENV); see $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

venv: $(STAMP) ## create the virtual environment and install the project

browser: ## install Debian's chromium for the browser tests (only as root; otherwise they are skipped)
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "==> installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
		|| echo "warning: apt-get could not install chromium; the browser tests will be skipped"; \
	else \
		echo "note: $(CHROMIUM) is missing and this is not root: the browser tests will be skipped"; \
		echo "      install it with 'sudo apt-get install chromium' to run them"; \
	fi

dev: $(STAMP) ## build the web game, start the server with the TikTok sandbox, print the URL
	@$(PY) -m bridge.dev $(ARGS)

build: $(STAMP) ## build the web game into dist/web (options: make build ARGS="--release ...")
	@$(PY) -m bridge.build $(ARGS)

# The package names this origin; the emulator sends its requests to the server it runs.
NATIVE_ORIGIN ?= http://127.0.0.1:8000

native: $(STAMP) ## build dist/tiktok-native (needs PYGAME_WASM_WHEEL) and run it in the native-runtime emulator with the dev server and sandbox
	@$(PY) -m bridge.build --target tiktok-native --server-origin $(NATIVE_ORIGIN) $(BUILD_ARGS)
	@$(PY) -m bridge.native dist/tiktok-native $(ARGS)

check-web: $(STAMP) ## check dist/web against TikTok's package rules
	@$(PY) -m bridge.check dist/web

test: $(STAMP) browser ## install what is missing and run ruff, mypy and the whole test suite
	@echo "==> ruff"
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@echo "==> mypy (server/, bridge/ and rules/)"
	@$(VENV)/bin/mypy
	@echo "==> pytest"
	@$(VENV)/bin/pytest

bench: $(STAMP) ## run the benchmarks (game frame times, order latency, webhook throughput, run replays)
	@$(PY) -m game.bench
	@$(PY) -m server.bench orders
	@$(PY) -m server.bench webhooks --orders 500
	@$(PY) -m server.bench runs

bench-web: $(STAMP) browser ## the game's scripted run on Pyodide in headless Chromium, next to native (needs PYGAME_WASM_WHEEL)
	@$(PY) -m game.bench --browser $(ARGS)

bench-native: $(STAMP) browser ## the TikTok native-runtime package in the emulator: size, first frame, frames/s (needs PYGAME_WASM_WHEEL)
	@$(PY) -m game.bench --tiktok-native $(ARGS)

lint: $(STAMP) ## ruff and mypy only
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy

fmt: $(STAMP) ## format the code
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

clean: ## remove the venv, build output, local databases and caches
	rm -rf $(VENV) dist build var .pytest_cache .mypy_cache .ruff_cache node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
