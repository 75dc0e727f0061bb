# Shared set-up steps for scripts/run.sh, scripts/test.sh and scripts/bench.sh. Sourced, not run.
# Every step is idempotent: it checks before it acts, so running a command twice changes nothing.
#
# Project-private services live under .local/ (git-ignored) on their own ports:
#   PostgreSQL  .local/pg     127.0.0.1:${OA_PG_PORT:-55432}    unless DATABASE_URL is set
#   Redis       .local/redis  127.0.0.1:${OA_REDIS_PORT:-56379} unless REDIS_URL is set
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
VENV="$LOCAL/venv"
PY="$VENV/bin/python"
PG_PORT="${OA_PG_PORT:-55432}"
REDIS_PORT="${OA_REDIS_PORT:-56379}"
PG_USER=openalmaty
PG_DB=openalmaty
STARTED_SERVICES=()

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}

# --- Python 3.12+ and the virtualenv ---------------------------------------------------------------------
python_is() { "$1" -c "import sys; sys.exit(0 if sys.version_info[:2] $2 else 1)" >/dev/null 2>&1; }
python_ok() { python_is "$1" ">= (3, 12)"; }

find_python() {  # the stack's 3.12 first (on PATH, then under pyenv), else any newer Python
  local want cand path pyenv_versions=""
  command -v pyenv >/dev/null 2>&1 && pyenv_versions="$(ls -d "$(pyenv root)"/versions/3.*/bin/python3 2>/dev/null | sort -V -r)"
  for want in "== (3, 12)" ">= (3, 12)"; do
    for cand in python3.12 python3.13 python3.14 python3 python; do
      path="$(command -v "$cand" 2>/dev/null)" || continue
      python_is "$path" "$want" && { echo "$path"; return 0; }
    done
    for path in $pyenv_versions; do
      python_is "$path" "$want" && { echo "$path"; return 0; }
    done
  done
  return 1
}

ensure_venv() {  # $1: requirements file
  local req="$ROOT/$1" stamp="$VENV/.installed-$(basename "$1")" sum
  if [ ! -x "$PY" ] || ! python_ok "$PY"; then
    local base; base="$(find_python)" || die "Python 3.12 or newer not found (on PATH or under pyenv)."
    log "Creating the virtualenv with $base ($("$base" --version))"
    rm -rf "$VENV"
    "$base" -m venv "$VENV"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v 'is ignored: it is neither' || true
  fi
  sum="$(cat "$req" "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    log "Installing $1"
    # This machine's pip configuration warns about missing local indexes; keep the output readable.
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$req" 2>&1 | grep -v 'is ignored: it is neither' || true
    [ "${PIPESTATUS[0]}" -eq 0 ] || die "pip could not install $1"
    echo "$sum" > "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# --- Debian packages: Redis, Chromium, PostgreSQL ----------------------------------------------------------
ensure_system_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  [ -f /usr/share/hunspell/kk_KZ.dic ] || missing+=(hunspell-kk)
  pg_bindir >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

pg_bindir() {  # the directory with initdb, pg_ctl, psql and createdb together
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) \
      "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")"; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

# --- Search dictionaries for PostgreSQL -----------------------------------------------------------------------
# Kazakh has no stock configuration: Hunspell-kk (UTF-8 BOM stripped) and our folding rules go into the
# server's tsearch_data directory, where migration life_situations/0002 expects them.
ensure_search_dictionaries() {
  local dir
  dir="$("$(pg_bindir)/pg_config" --sharedir 2>/dev/null || pg_config --sharedir)/tsearch_data"
  if ! cmp -s "$ROOT/life_situations/search_data/kk_fold.rules" "$dir/kk_fold.rules" || [ ! -s "$dir/kk_kz.dict" ]; then
    log "Installing the Kazakh search dictionaries into $dir"
    as_root sh -c "sed '1s/^\xEF\xBB\xBF//' /usr/share/hunspell/kk_KZ.aff > '$dir/kk_kz.affix' &&
      sed '1s/^\xEF\xBB\xBF//' /usr/share/hunspell/kk_KZ.dic > '$dir/kk_kz.dict' &&
      cp '$ROOT/life_situations/search_data/kk_fold.rules' '$dir/kk_fold.rules'"
  fi
}

# --- PostgreSQL ------------------------------------------------------------------------------------------
# PostgreSQL refuses to run as root, so under root the private cluster belongs to the `postgres` user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_prepare_dirs() {
  mkdir -p "$LOCAL/pg"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$LOCAL/pg"
    # The postgres user must be able to reach .local/pg: grant traverse (not read) where it is missing.
    local dir="$LOCAL"
    while [ "$dir" != "/" ]; do
      runuser -u postgres -- test -x "$dir" || chmod o+x "$dir"
      dir="$(dirname "$dir")"
    done
  fi
}

ensure_postgres() {
  ensure_search_dictionaries  # for a PostgreSQL on this machine; a server elsewhere needs them copied (README)
  if [ -n "${DATABASE_URL:-}" ]; then
    log "Using the PostgreSQL at DATABASE_URL"
    return 0
  fi
  local bin data="$LOCAL/pg/data" port
  bin="$(pg_bindir)" || die "PostgreSQL binaries not found"
  pg_prepare_dirs
  if [ ! -f "$data/PG_VERSION" ]; then
    log "Creating the project's PostgreSQL cluster in .local/pg"
    as_pg "$bin/initdb" -D "$data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$data/postmaster.pid")"
  else
    port="$PG_PORT"
    log "Starting PostgreSQL on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$LOCAL/pg/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$LOCAL/pg' -c max_connections=200 -c shared_buffers=512MB -c track_commit_timestamp=on -c random_page_cost=1.1" \
      start >/dev/null || { tail -20 "$LOCAL/pg/server.log" >&2; die "PostgreSQL did not start"; }
    STARTED_SERVICES+=(postgres)
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$PG_USER" "$PG_DB"
  fi
  export DATABASE_URL="postgres://$PG_USER@127.0.0.1:$port/$PG_DB"
}

stop_postgres() {
  as_pg "$(pg_bindir)/pg_ctl" -D "$LOCAL/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}

# --- Redis -----------------------------------------------------------------------------------------------
ensure_redis() {  # $1: logical database for this command's broker (0 for the portal, 1 for the tests)
  local db="${1:-0}"
  if [ -n "${REDIS_URL:-}" ]; then
    log "Using the Redis at REDIS_URL"
    return 0
  fi
  local dir="$LOCAL/redis"
  mkdir -p "$dir"
  # AOF with everysec and noeviction: a restart loses at most a second of queue, and queue keys are never
  # evicted to make room (notes/performance_and_reliability.md §2.2).
  cat > "$dir/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync everysec
maxmemory-policy noeviction
save 900 1
EOF
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "Starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server "$dir/redis.conf"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "$REDIS_PORT" ping >/dev/null || die "Redis did not start (see .local/redis/redis.log)"
    STARTED_SERVICES+=(redis)
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$db"
}

stop_redis() {
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
}

# Stop what this command started (not what was already running, e.g. a `make run` in another terminal).
stop_started_services() {
  local service
  for service in "${STARTED_SERVICES[@]}"; do
    log "Stopping $service"
    "stop_$service"
  done
  STARTED_SERVICES=()
}

# --- Django ----------------------------------------------------------------------------------------------
prepare_django() {
  cd "$ROOT"
  log "Migrating, compiling messages, collecting static files"
  "$PY" manage.py migrate --no-input -v 0
  "$PY" manage.py compilemessages -v 0 --ignore '.local/*'
  "$PY" manage.py collectstatic --no-input -v 0
}

wait_for_health() {  # $1: base URL; waits until /healthz says everything is up
  local url="$1/healthz" i
  for i in $(seq 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  curl -sS "$url" >&2 || true
  return 1
}
