// Package chtest gives tests ClickHouse: New gives each test its own
// migrated database on a shared server (TEST_CLICKHOUSE_URL, default the
// local server at clickhouse://127.0.0.1:9000, which scripts/test.sh
// starts), dropped when the test ends; StartServer starts a
// clickhouse-server of the test's own (a small config, its own folder and
// free ports, ready in well under a second, as the test's user) that the
// test may stop and start again.
// Both skip the test with a message saying what is missing when
// ClickHouse is not there.
package chtest
