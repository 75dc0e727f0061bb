# The two set-up commands of the README, and a few helpers. Each target is idempotent.
.PHONY: run test bench lint format

run:    ## Bring up the whole portal with demo data at http://127.0.0.1:8000/
	@bash scripts/run.sh

test:   ## Run the whole test suite (browser tests included)
	@bash scripts/test.sh

bench:  ## Run the benchmarks; writes docs/BENCHMARKS.md and docs/benchmarks.json
	@bash scripts/bench.sh

lint:
	@.local/venv/bin/ruff check . && .local/venv/bin/ruff format --check .

format:
	@.local/venv/bin/ruff check --fix . && .local/venv/bin/ruff format .
