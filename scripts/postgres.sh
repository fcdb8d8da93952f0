#!/usr/bin/env bash
# A PostgreSQL server for the tests, announced as shell exports on stdout:
#   eval "$(scripts/postgres.sh)"   reuse MM_PG_HOST:MM_PG_PORT if reachable, else start a local cluster
#   scripts/postgres.sh stop        stop the local cluster (its data stays for the next start)
# Progress goes to stderr so that stdout stays eval-able. The local cluster is throwaway:
# trust auth, 127.0.0.1 only, fsync off. It lives in /tmp rather than the repo because the
# `postgres` user must be able to reach its data dir, and a clone under /root is not reachable.
set -euo pipefail

pgdata="${MM_PG_DATA:-/tmp/mm-pgdata-$(id -u)}"
first_port="${MM_PG_LOCAL_PORT:-55432}"
database=model_monitor_test

log() { echo "postgres.sh: $*" >&2; }

print_exports() {  # host port user password database
  printf 'export MM_PG_HOST=%q\nexport MM_PG_PORT=%q\nexport MM_PG_USER=%q\n' "$1" "$2" "$3"
  printf 'export MM_PG_PASSWORD=%q\nexport MM_PG_DATABASE=%q\n' "$4" "$5"
}

server_bin() {  # Debian keeps server binaries off PATH, one dir per major version
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir" || true
}

# initdb and pg_ctl refuse to run as root, so as root the cluster belongs to `postgres`;
# cd / because that user may not be allowed to read the caller's working directory.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bin=$(server_bin)

case "${1:-start}" in
  start) ;;
  stop)
    if [[ -n "$bin" && -f "$pgdata/postmaster.pid" ]]; then
      as_owner "$bin/pg_ctl" stop -D "$pgdata" -m fast >&2
    else
      log "no cluster running in $pgdata"
    fi
    exit 0 ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

# A server the caller chose wins; the local cluster is only the fallback.
if [[ -n "${MM_PG_HOST:-}" ]]; then
  host="$MM_PG_HOST" port="${MM_PG_PORT:-5432}"
  isready=$(command -v pg_isready || echo "$bin/pg_isready")
  if "$isready" -q -h "$host" -p "$port" -t 3 2>/dev/null; then
    log "using the server at $host:$port"
    print_exports "$host" "$port" "${MM_PG_USER:-postgres}" "${MM_PG_PASSWORD:-}" \
      "${MM_PG_DATABASE:-$database}"
    exit 0
  fi
  log "$host:$port is not reachable; using a local cluster instead"
fi

if [[ -z "$bin" ]]; then
  [[ $(id -u) -eq 0 ]] || { log "PostgreSQL server binaries missing; install postgresql-15"; exit 1; }
  log "installing postgresql-15 with apt-get (a minute or two)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql-15 >&2
  bin=$(server_bin)
fi
if [[ $(id -u) -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home postgres
fi

if as_owner "$bin/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
  port=$(sed -n 4p "$pgdata/postmaster.pid")  # line 4 of postmaster.pid is the live port
  log "cluster in $pgdata already running on port $port"
else
  if [[ ! -f "$pgdata/PG_VERSION" ]]; then
    # Never wipe a directory we did not create: MM_PG_DATA may point anywhere.
    if [[ -d "$pgdata" && -n "$(ls -A "$pgdata")" ]]; then
      log "$pgdata exists but holds no cluster; remove it or set MM_PG_DATA"; exit 1
    fi
    log "creating a cluster in $pgdata"
    mkdir -p "$pgdata" && chmod 700 "$pgdata"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$pgdata"
    # C collation sorts strings bytewise, as duckdb and Python do, so top-k ties break alike.
    as_owner "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
    cat >>"$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pgdata'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  # The port is chosen at each start: 55432 may have been taken since the last one.
  port=$first_port
  while port_in_use "$port"; do
    port=$((port + 1))
    ((port < first_port + 50)) || { log "no free port from $first_port"; exit 1; }
  done
  log "starting the cluster on 127.0.0.1:$port"
  if ! as_owner "$bin/pg_ctl" start -D "$pgdata" -w -t 60 -l "$pgdata/server.log" \
      -o "-p $port" >/dev/null; then
    tail -n 20 "$pgdata/server.log" >&2; exit 1
  fi
fi

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XtAq)
if [[ -z $("${psql[@]}" -c "select 1 from pg_database where datname = '$database'") ]]; then
  log "creating database $database"
  "${psql[@]}" -c "create database $database"
fi
print_exports 127.0.0.1 "$port" postgres "" "$database"
