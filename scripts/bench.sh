#!/usr/bin/env bash
# `make bench`: run every benchmark in bench/ and write docs/BENCHMARKS.md and docs/benchmarks.json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages
command -v wrk >/dev/null 2>&1 || { log "Installing wrk"; as_root apt-get install -y -qq wrk >/dev/null; }
ensure_venv requirements-dev.txt
trap stop_started_services EXIT
ensure_postgres
ensure_redis 3
cd "$ROOT"
"$PY" manage.py compilemessages -v 0 --ignore '.local/*'
"$PY" manage.py collectstatic --no-input -v 0
"$PY" -m bench "$@"
