#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine of this project's kind
# (Debian, Go, local PostgreSQL, Redis and ClickHouse): brings up
# PostgreSQL, Redis and ClickHouse (installing Debian's clickhouse-server
# when missing) if they are down, fetches Node and builds SeaweedFS (for
# the S3 tests) if missing, installs Chromium and axe-core for the browser
# tests (unless MASTRA_ADMIN_SKIP_BROWSER=1), then runs go vet and the
# race-enabled tests.
# Extra arguments go to go test,
# e.g. bash scripts/test.sh -run TestMigrate -v
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

ensure_go
ensure_postgres
ensure_redis
ensure_node
ensure_clickhouse
ensure_weed
if [ "${MASTRA_ADMIN_SKIP_BROWSER:-}" != 1 ]; then
	ensure_chromium
	ensure_axe
fi

summary=()
failed=0

# step NAME COMMAND... runs COMMAND and records how it went.
step() {
	local name=$1 start=$SECONDS rc=0
	shift
	log "$name"
	"$@" || rc=$?
	if [ "$rc" -eq 0 ]; then
		summary+=("ok      $name ($((SECONDS - start))s)")
	else
		summary+=("FAILED  $name (exit $rc, $((SECONDS - start))s)")
		failed=1
	fi
}

step "go vet ./..." go vet ./...
step "go test -race ./..." go test -race -count=1 -timeout 20m ./... "$@"

printf '\n==> summary\n' >&2
printf '    %s\n' "${summary[@]}" >&2
if [ "$failed" -ne 0 ]; then
	printf '==> FAILED\n' >&2
	exit 1
fi
printf '==> all passed\n' >&2
