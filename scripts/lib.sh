# shellcheck shell=bash
# Shared helpers for scripts/test.sh and scripts/run.sh; source it, do not run it.
# They bring up the local services MastraAdmin needs on a Debian machine.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# port_open HOST PORT succeeds when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_until NAME SECONDS COMMAND... retries COMMAND every half second.
wait_until() {
	local name=$1 seconds=$2
	shift 2
	local tries=$((seconds * 2))
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "$name did not become ready within ${seconds}s"
		sleep 0.5
	done
}

# ensure_go puts the toolchain at /usr/local/go on PATH if go is not there.
ensure_go() {
	if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
		export PATH="/usr/local/go/bin:$PATH"
	fi
	command -v go >/dev/null 2>&1 || die "go is not installed"
}

postgres_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }

# ensure_postgres starts the local Debian PostgreSQL cluster(s) unless
# something already answers on 127.0.0.1:5432.
ensure_postgres() {
	command -v pg_isready >/dev/null 2>&1 || die "pg_isready not found: install PostgreSQL (apt-get install -y postgresql)"
	if postgres_ready; then
		return 0
	fi
	command -v pg_ctlcluster >/dev/null 2>&1 || die "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing"
	local dir
	for dir in /etc/postgresql/*/main; do
		[ -d "$dir" ] || continue
		log "starting PostgreSQL $(basename "$(dirname "$dir")")"
		pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$dir")")" main start || true
	done
	wait_until PostgreSQL 60 postgres_ready
	log "PostgreSQL is ready on 127.0.0.1:5432"
}

clickhouse_ready() { port_open 127.0.0.1 9000 && port_open 127.0.0.1 8123; }

# ensure_clickhouse installs ClickHouse from Debian's packages if missing and
# starts it in the background with its default configuration, as the
# clickhouse user when there is one, then waits for ports 9000 and 8123.
ensure_clickhouse() {
	if clickhouse_ready; then
		return 0
	fi
	if ! command -v clickhouse-server >/dev/null 2>&1; then
		log "installing clickhouse-server"
		apt-get update
		DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server
		if clickhouse_ready; then
			return 0 # the package started it
		fi
	fi
	local conf=/etc/clickhouse-server/config.xml
	local logdir=/var/log/clickhouse-server
	mkdir -p "$logdir" 2>/dev/null || logdir=${TMPDIR:-/tmp}
	log "starting ClickHouse (log: $logdir/mastra-admin.log)"
	if [ "$(id -u)" = 0 ] && id clickhouse >/dev/null 2>&1; then
		chown -R clickhouse: /var/lib/clickhouse "$logdir" 2>/dev/null || true
		setsid nohup runuser -u clickhouse -- clickhouse-server --config-file="$conf" \
			>>"$logdir/mastra-admin.log" 2>&1 </dev/null &
	else
		setsid nohup clickhouse-server --config-file="$conf" \
			>>"$logdir/mastra-admin.log" 2>&1 </dev/null &
	fi
	wait_until ClickHouse 120 clickhouse_ready
	log "ClickHouse is ready on 127.0.0.1:9000 and :8123"
}
