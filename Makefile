# Two commands a newcomer needs: `make run` and `make test`. Each sets itself up.
PORT ?= 8501
PYTHON ?= python3.11
VENV := .venv
READY := $(VENV)/.ready

.PHONY: run test federation bench-foundation bench-viewers bench-video bench-queries bench-year reliability failover system-packages

$(READY): requirements.lock pyproject.toml
	scripts/setup-python $(PYTHON) $(VENV)
	touch $@

run: $(READY)
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT)

system-packages:
	scripts/ensure-system-packages

test: $(READY) system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# the national tier on this machine: three district apps (ports 8511-8513), a
# Prometheus scraping them (9490), the national app (8510); docs/USAGE.md
federation: $(READY) system-packages
	$(VENV)/bin/python scripts/federation.py

bench-foundation: $(READY)
	$(VENV)/bin/python bench/foundation.py

bench-viewers: $(READY) system-packages
	$(VENV)/bin/python bench/viewers.py

# site video: server CPU per camera and per viewer, glass-to-glass delay (docs/PERFORMANCE.md)
bench-video: $(READY) system-packages
	$(VENV)/bin/python bench/video.py

bench-queries: $(READY)
	$(VENV)/bin/python bench/screen_queries.py

# 10^8 lists made once into var/bench/year.duckdb, then measured like the day
# (fewer timed runs per query: make bench-year YEAR_RUNS=20)
YEAR_RUNS ?= 100
bench-year: $(READY)
	test -f var/bench/year.duckdb || $(VENV)/bin/python bench/year.py
	$(VENV)/bin/python bench/screen_queries.py --db var/bench/year.duckdb --runs $(YEAR_RUNS)

# the failure drills (the disk drill mounts a tmpfs: root)
# a primary and a standby fed by a broker, the primary killed mid-peak under a wall (docs/RELIABILITY.md)
failover: $(READY) system-packages
	$(VENV)/bin/python reliability/failover.py

reliability: $(READY) system-packages
	$(VENV)/bin/python reliability/kill9.py
	$(VENV)/bin/python reliability/vanish.py
	$(VENV)/bin/python reliability/broker_outage.py
	$(VENV)/bin/python reliability/disk_full.py
