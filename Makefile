# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs at run time (installed when make runs as root).
DEBIAN_PACKAGES :=
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: setup serve test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	@if [ -n "$(strip $(DEBIAN_PACKAGES))" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	  else echo "not root: make sure these Debian packages are installed: $(DEBIAN_PACKAGES)"; fi; \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(STAMP)

serve: setup
	mkdir -p var
	$(BIN)/idreader serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/ruff check src tests
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) var .pytest_cache
