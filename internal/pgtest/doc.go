// Package pgtest gives each test its own Postgres schema, migrated and
// dropped when the test ends, so that tests run in parallel against one real
// server. TEST_DATABASE_URL names the server and database (default: the local
// server's mastra_admin_test database, created when missing).
package pgtest
