// Package migrations holds the SQL schema of MastraAdmin, embedded with
// go:embed, and applies the Postgres part in order under an advisory lock so that two
// replicas starting at once never collide. Applied versions are recorded in
// the schema_migrations table.
//
// The ClickHouse migrations (clickhouse/*.sql) are only loaded here; the
// ClickHouse adapter applies them (Statements splits a file into the
// single statements ClickHouse runs).
//
// Migration files are named NNNN_description.sql and are never edited once
// released; a change is a new file.
package migrations
