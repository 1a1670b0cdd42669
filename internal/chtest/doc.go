// Package chtest gives tests ClickHouse: New gives each test its own
// migrated database on a shared server (TEST_CLICKHOUSE_URL, default the
// local server at clickhouse://127.0.0.1:9000, which scripts/test.sh
// starts), dropped when the test ends; StartServer starts a server of the
// test's own (a non-root-style small config, its own folder and ports,
// ready in well under a second) that the test may stop and start again.
// Both skip the test with a message saying what is missing when
// ClickHouse is not there.
package chtest
