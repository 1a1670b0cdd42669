#!/usr/bin/env bash
# Runs MastraAdmin (mastra-admin serve) from source with zero configuration:
# brings up the local PostgreSQL if DATABASE_URL is unset or local, and the
# local ClickHouse (installing Debian's package when missing) if
# CLICKHOUSE_URL is unset or local, fetches Node 22, then serves on the
# defaults of API.md. Extra arguments go to serve.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

ensure_go
case "${DATABASE_URL:-localhost}" in
*localhost* | *127.0.0.1*) ensure_postgres ;;
esac
case "${CLICKHOUSE_URL-localhost}" in
*localhost* | *127.0.0.1*) ensure_clickhouse ;; # observability; serve runs without it too
esac
ensure_node # builds need Node 22.13+ (MASTRA_ADMIN_NODE)
# Build, then exec the binary rather than go run: signals reach serve
# directly and its exit status (2 for bad usage) comes back unchanged.
go build -o bin/mastra-admin ./cmd/mastra-admin
exec bin/mastra-admin serve "$@"
