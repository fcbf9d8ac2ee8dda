# 科创台账 — `make run` opens the app on a demo store; `make test` runs the whole suite headless.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/demo.sqlite
QM := resources/translations/bureau_zh_CN.qm

.PHONY: run test lint bench package clean sysdeps

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The app's Chinese catalogue (and Qt's own beside it), built from the committed .ts.
$(QM): resources/translations/bureau_zh_CN.ts | $(STAMP)
	$(PY) packaging/translations.py build

sysdeps:
	@bash packaging/qt-system-deps.sh

run: $(STAMP) $(QM)
	@if [ ! -f "$(DEMO_DB)" ]; then $(VENV)/bin/bureau --db "$(DEMO_DB)" init --demo; fi
	@if [ "$$(uname)" = "Linux" ] && [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "没有图形显示（DISPLAY 未设置）：请用 xvfb-run -a make run 在虚拟屏幕上运行，或在桌面会话中运行。"; exit 1; fi
	$(VENV)/bin/bureau --db "$(DEMO_DB)" gui

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) packaging/translations.py check

test: $(STAMP) sysdeps lint $(QM)
	# The suite starts its own PostgreSQL server (tests/pgserver.py); here it must not be skipped.
	# Two workers (each with its own PostgreSQL cluster), a test file kept on one worker.
	QT_QPA_PLATFORM=offscreen BUREAU_REQUIRE_POSTGRES=1 $(VENV)/bin/pytest -q -n 2 --dist loadfile

bench: $(STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

package: $(STAMP) sysdeps
	@bash packaging/qt-system-deps.sh --package
	$(PY) -m pip install --quiet -e '.[dev,package]'
	bash packaging/build.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
