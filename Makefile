# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs (installed when make runs as root): fonts for the
# synthetic-document generator.
DEBIAN_PACKAGES := fonts-ocr-b fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf
HOST ?= 127.0.0.1
PORT ?= 8080
# Benchmark: the peer reader (PassportEye) lives in its own venv, never in idreader's.
NAME ?= run
WORKERS ?= 1
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_DEBIAN_PACKAGES := tesseract-ocr
REAL_DEV := ../shared/data/real-dev/manifest.jsonl

.PHONY: setup serve test lint bench bench-env train-mrz clean

$(STAMP): pyproject.toml constraints.txt Makefile
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "not root: install these Debian packages: $$missing"; exit 1; fi; \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(STAMP)

serve: setup
	mkdir -p var
	$(BIN)/idreader serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/ruff check src tests training
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests training
	$(BIN)/ruff format --check src tests training

$(BENCH_STAMP): bench/requirements-peer.txt
	@if ! command -v tesseract >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBIAN_PACKAGES); \
	  else echo "not root: make sure these Debian packages are installed: $(BENCH_DEBIAN_PACKAGES)"; fi; \
	fi
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check -r bench/requirements-peer.txt
	touch $@

bench-env: $(BENCH_STAMP)

bench: setup bench-env
	test -f bench/out/synth-clean/truth.jsonl || \
	  $(BIN)/idreader synth --n 200 --seed 1 --out bench/out/synth-clean --defects none --workers 2
	test -f bench/out/synth-defects/truth.jsonl || \
	  $(BIN)/idreader synth --n 300 --seed 2 --out bench/out/synth-defects --workers 2
	test -f bench/out/synth-licences/truth.jsonl || \
	  $(BIN)/idreader synth --n 150 --seed 3 --kinds dl_back_pdf417 --out bench/out/synth-licences --workers 2
	$(BIN)/idreader bench bench/out/synth-clean bench/out/synth-defects bench/out/synth-licences \
	  $(REAL_DEV) --name $(NAME) --workers $(WORKERS)

# Retrain the MRZ line recogniser (src/idreader/ocr/data/mrz_ocrb.onnx) from generated strips.
# Needs torch, which never enters idreader's own venv.
TRAIN_VENV := .venv-train
$(TRAIN_VENV)/.installed: pyproject.toml constraints.txt
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0 onnx==1.20.0
	$(TRAIN_VENV)/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e .
	touch $@

train-mrz: $(STAMP) $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python training/train_mrz_recogniser.py

clean:
	rm -rf $(VENV) var .pytest_cache
