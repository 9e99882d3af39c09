# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each target below is a file, so work is redone only when its inputs change.

SHELL := /bin/bash
# Rasa's telemetry and error reports would send data to Rasa's servers: never.
export RASA_TELEMETRY_ENABLED := false
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/veiviser.tar.gz
CATALOGUE := var/catalogue.sqlite

TRAINING_INPUTS := config.yml $(wildcard bot/domain/*.yml) \
	$(shell find data bot/components conversation -name '*.yml' -o -name '*.py' 2>/dev/null)
CATALOGUE_INPUTS := $(wildcard services_catalog/*.py services_catalog/migrations/versions/*.py) \
	$(shell find services_catalog/data/sources -name '*.yml')

.PHONY: run test install model catalogue clean chromium bench

run: install $(CATALOGUE) $(MODEL)
	$(BIN)/veiviser run

test: install chromium $(CATALOGUE) $(MODEL)
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@py=$$(scripts/find-python310.sh) || exit 1; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Benchmarks (not part of `make test`): bench/results/ and docs/benchmarks.md, about 10 minutes.
# BENCH_SIZES="1000 1000000" picks the catalogue sizes of the search scaling.
bench: $(VENV)/.bench-installed $(CATALOGUE) $(MODEL)
	$(BIN)/python bench/run_all.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $@

catalogue: $(CATALOGUE)

$(CATALOGUE): $(VENV)/.installed $(CATALOGUE_INPUTS)
	@mkdir -p $(dir $@)
	$(BIN)/veiviser catalog build --db $@

model: $(MODEL)

# Rasa also fingerprints its inputs; make's timestamps spare us even starting it.
$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(BIN)/rasa train --config config.yml --domain bot/domain --data data \
	  --out models --fixed-model-name veiviser
	@touch $@

# The browser tests drive Debian's Chromium (Playwright may not download one here).
chromium:
	@[ -x /usr/bin/chromium ] || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean:
	rm -rf models var .rasa results
