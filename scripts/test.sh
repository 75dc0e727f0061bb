#!/usr/bin/env bash
# `make test`: bring up PostgreSQL and Redis (as `make run` does) and run the whole pytest suite, browser
# tests included. The exit code is pytest's. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages
ensure_venv requirements-dev.txt
trap stop_started_services EXIT
ensure_postgres
ensure_redis 1  # the tests' broker is a database of its own, apart from a running portal's
cd "$ROOT"
"$PY" manage.py compilemessages -v 0 --ignore '.local/*'
"$PY" manage.py collectstatic --no-input -v 0
log "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$PY" manage.py makemigrations --check --dry-run -v 0 || die "a model change has no migration"
# A test run killed from outside (Ctrl-C twice, a closed pipe) cannot stop its Celery worker; stop it here.
pkill -f -- "-m celery -A openalmaty worker .*--hostname test-" 2>/dev/null || true
log "pytest"
status=0
"$PY" -m pytest "$@" || status=$?
exit "$status"
