# Two commands a newcomer needs: `make run` and `make test`. Each sets itself up.
PORT ?= 8501
PYTHON ?= python3.11
VENV := .venv
READY := $(VENV)/.ready

.PHONY: run test bench-foundation bench-viewers system-packages

$(READY): requirements.lock pyproject.toml
	scripts/setup-python $(PYTHON) $(VENV)
	touch $@

run: $(READY)
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT)

system-packages:
	scripts/ensure-system-packages

test: $(READY) system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench-foundation: $(READY)
	$(VENV)/bin/python bench/foundation.py

bench-viewers: $(READY) system-packages
	$(VENV)/bin/python bench/viewers.py
