#!/usr/bin/env bash
# A throwaway PostgreSQL server for the publish tests (and for trying publish against PostgreSQL by hand).
#
#   .ci/postgres.sh start   installs Debian's PostgreSQL if missing, creates a cluster under target/postgres (as the
#                           postgres user: initdb refuses root), starts it on 127.0.0.1 and prints the variables to export
#   .ci/postgres.sh stop    stops it and removes the data
#   .ci/postgres.sh pause   kills the server at once (as a crash or a lost machine would), keeping the data
#   .ci/postgres.sh resume  starts it again on the same data (for the test of a database that goes away mid-load)
#
# It creates the databases `lakeforge` (serving) and `lakeforge_metastore` (a Hive metastore), owned by the writer
# account `lakeforge_writer` (password from LAKEFORGE_SERVING_PASSWORD, random when unset). The variables go to
# target/postgres.env.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/postgres"
envfile="$PWD/target/postgres.env"
port="${LAKEFORGE_TEST_PG_PORT:-55432}"

pgbin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data_dir() {
  local data="$root/data"
  [ -f "$root/data-location" ] && data=$(cat "$root/data-location")
  echo "$data"
}

start_server() {
  as_postgres "$1/pg_ctl" -D "$2" -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$2 -c fsync=off" \
    -l "$2/server.log" -w start >/dev/null
}

case "${1:-}" in
  start)
    if [ -z "$(pgbin)" ]; then
      echo "PostgreSQL is missing: installing Debian's postgresql"
      if [ "$(id -u)" != 0 ]; then echo "need root to install it (apt-get install postgresql)" >&2; exit 1; fi
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null || {
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
    fi
    bin=$(pgbin)
    [ -n "$bin" ] || { echo "no initdb found after installing postgresql" >&2; exit 1; }
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$root"
    data="$root/data"
    # the postgres user must reach the data folder; a checkout under a private home may not let it
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
      data=$(mktemp -d /tmp/lakeforge-pg.XXXXXX)/data
      echo "the postgres user cannot reach $root: data directory $data instead"
      echo "$data" > "$root/data-location"
    fi
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$(dirname "$data")"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    start_server "$bin" "$data"
    pw="${LAKEFORGE_SERVING_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)}"
    as_postgres "$bin/psql" -q -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE lakeforge_writer LOGIN PASSWORD '$pw' CREATEROLE" \
      -c "CREATE DATABASE lakeforge OWNER lakeforge_writer" \
      -c "CREATE DATABASE lakeforge_metastore OWNER lakeforge_writer"
    cat > "$envfile" <<EOF
export LAKEFORGE_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$port/lakeforge
export LAKEFORGE_TEST_PG_USER=lakeforge_writer
export LAKEFORGE_TEST_PG_PASSWORD=$pw
export LAKEFORGE_TEST_PG_METASTORE_URL=jdbc:postgresql://127.0.0.1:$port/lakeforge_metastore
EOF
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data $data; variables in $envfile"
    ;;
  stop)
    bin=$(pgbin) || exit 0
    data="$root/data"
    [ -f "$root/data-location" ] && data=$(cat "$root/data-location")
    if [ -f "$data/postmaster.pid" ]; then
      as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    fi
    [ -f "$root/data-location" ] && rm -rf "$(dirname "$data")"
    rm -rf "$root" "$envfile"
    echo "PostgreSQL stopped"
    ;;
  pause)
    bin=$(pgbin)
    as_postgres "$bin/pg_ctl" -D "$(data_dir)" -m immediate -w stop >/dev/null
    echo "PostgreSQL killed (data kept; .ci/postgres.sh resume starts it again)"
    ;;
  resume)
    bin=$(pgbin)
    start_server "$bin" "$(data_dir)"
    echo "PostgreSQL started again"
    ;;
  *)
    echo "usage: $0 start|stop|pause|resume" >&2; exit 2 ;;
esac
