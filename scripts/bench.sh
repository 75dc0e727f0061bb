#!/usr/bin/env bash
# `make bench`: run every benchmark in bench/ and write docs/BENCHMARKS.md and docs/benchmarks.json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages
for tool in wrk valgrind; do  # the HTTP load; instruction counts that do not depend on the host's speed
  command -v "$tool" >/dev/null 2>&1 || { log "Installing $tool"; as_root apt-get install -y -qq "$tool" >/dev/null; }
done
ensure_venv requirements-dev.txt
trap stop_started_services EXIT
ensure_postgres
ensure_redis 3
cd "$ROOT"
"$PY" manage.py compilemessages -v 0 --ignore '.local/*'
"$PY" manage.py collectstatic --no-input -v 0
"$PY" -m bench "$@"
