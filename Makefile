# xuncha — set-up and everyday commands. Every target installs what it needs first (uv, the
# Python environment, the npm packages) and skips what is already up to date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
# uv must use the Python that is here (pyenv 3.12), never download one.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null)
export UV_NO_PROGRESS := 1

PYTEST_ARGS ?=
DEPLOY_SECRET_KEY = check-deploy-only-$(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' 2>/dev/null)

.PHONY: help install demo test serve worker lint check-deploy bench

help:
	@echo "make demo          安装并启动演示（http://127.0.0.1:8000/）"
	@echo "make test          安装并运行全部测试"
	@echo "make serve         启动网页服务（granian）"
	@echo "make worker        启动后台任务进程"
	@echo "make lint          代码检查：ruff + mypy"
	@echo "make check-deploy  以生产配置运行 manage.py check --deploy"
	@echo "make bench         性能基准（省级规模；XUNCHA_BENCH_SCALE=county|small，DATABASE_URL 指向 PostgreSQL 时测 PostgreSQL）"

# --- installation (stamps make a second run instant) --------------------------------------

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' \
	  || { echo "需要 Python 3.12($(PYTHON) 是 $$($(PYTHON) --version 2>&1))。"; exit 1; }
	@$(UV) --version >/dev/null 2>&1 \
	  || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --locked
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/.synced node_modules/.installed

# --- everyday -----------------------------------------------------------------------------

demo: install
	$(BIN)/xuncha demo

# pytest's own status is printed on failure (make itself only says 2); .ci/run reads it.
test: install
	@rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	  if [ $$rc -ne 0 ]; then echo "pytest exited with status $$rc"; fi; exit $$rc

serve: install
	$(BIN)/xuncha serve

worker: install
	$(BIN)/xuncha worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy xuncha/

check-deploy: install
	@XUNCHA_ENV=production SECRET_KEY="$${SECRET_KEY:-$(DEPLOY_SECRET_KEY)}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-example.gov.cn}" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Performance benchmark (docs/performance.md). Without DATABASE_URL each scale has its own SQLite
# file under var/bench/<scale>/, never the demo's database; the data set is generated on the first
# run. BENCH_ARGS go to manage.py bench (e.g. --only county_dashboard,ledger or --replace).
BENCH_ARGS ?=
bench: install
	@scale="$${XUNCHA_BENCH_SCALE:-province}"; \
	  if [ -z "$${DATABASE_URL:-}" ]; then export XUNCHA_DATA_DIR="$${XUNCHA_DATA_DIR:-$(CURDIR)/var/bench/$$scale}"; fi; \
	  $(BIN)/python manage.py migrate --no-input -v0 && \
	  $(BIN)/python manage.py bench --scale "$$scale" $(BENCH_ARGS)
