#!/usr/bin/env bash
# `make run`: bring up the whole portal with demo data (web, Celery worker and beat, PostgreSQL, Redis).
# Ctrl-C stops everything this command started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${PORT:-8000}"
BIND="${BIND:-127.0.0.1}"
export PORT BIND

ensure_system_packages
ensure_venv requirements.txt
trap stop_started_services EXIT
ensure_postgres
ensure_redis 0
prepare_django
"$PY" manage.py load_demo > "$LOCAL/demo-signins.txt"

(
  if wait_for_health "http://127.0.0.1:$PORT"; then
    printf '\n\033[1;32mOpen Almaty is running at http://127.0.0.1:%s/\033[0m  (staff workspace: /admin/)\n' "$PORT"
    cat "$LOCAL/demo-signins.txt"
    printf 'Press Ctrl-C to stop.\n\n'
  else
    printf '\033[1;31mThe portal did not become healthy; see the log above.\033[0m\n'
  fi
) &

log "Starting gunicorn, the two Celery workers (router, notifier) and Celery beat (Procfile)"
cd "$ROOT"
# In the background and waited for, so that a SIGTERM (a supervisor, `timeout`) reaches honcho and its
# processes instead of waiting behind them; Ctrl-C goes to the whole foreground group as before.
honcho start --no-prefix --procfile Procfile --port "$PORT" &
HONCHO_PID=$!
trap 'kill -TERM "$HONCHO_PID" 2>/dev/null' TERM
wait "$HONCHO_PID" || true
wait "$HONCHO_PID" 2>/dev/null || true  # after a signal the first wait returns at once; let honcho finish
