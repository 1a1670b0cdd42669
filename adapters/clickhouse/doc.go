// Package clickhouse is the observability store on ClickHouse: spans,
// logs and control-plane markers (commands.ObservabilityStore and
// commands.ObservabilityReads; the markers are written by the
// observability-markers process manager, one row per event, read FINAL).
// It keeps to what both ClickHouse 18.16 (Debian's, which the tests run
// against) and current versions accept: times as UInt64 microseconds,
// attributes and payloads as JSON text, ReplacingMergeTree with monthly
// partitions, no DateTime64, Map, JSON, TTL or skipping indexes.
//
// # Connections
//
// Reads and DDL go over the native protocol with clickhouse-go v2.
// clickhouse-go's batch insert (INSERT … FORMAT Native) fails on 18.16,
// so inserts go through the Inserter interface, which has two
// implementations that work on 18.16 and later: ExternalInserter sends the
// rows as an external table with INSERT INTO t SELECT … FROM it (native
// protocol, the default), HTTPInserter posts INSERT … FORMAT Native to
// the HTTP interface (CLICKHOUSE_URL's insert=http). Both take the rows
// column by column (Column: a typed slice, or a Field that reads each
// value from the rows) and write ClickHouse's Native layout straight
// from there, with ch-go's buffer and column encoders (the protocol
// package under clickhouse-go): no value is boxed or gathered first.
//
// # Exactly once per file
//
// Every row carries the file it came from and its line there, and the
// table ingested_files records each file twice: state 1 ("started")
// before its rows are inserted, state 2 ("done") after. InsertSpans and
// InsertLogs, given a batch of files:
//
//  1. read the files' states; a file that is done is skipped;
//  2. record the files never seen as started (one insert);
//  3. for a file that is started but not done — its earlier insert was
//     cut short by a crash or an error — read which of its lines are
//     already stored (a query on the file's project and time range, which
//     the ordering key indexes) and keep only the missing rows;
//  4. insert the rows in INSERTs of up to Config.BatchRows rows;
//  5. record the files as done (one insert).
//
// So ingesting a file again — after a crash between the insert and the
// move of the file out of the incoming folder, or after a failed insert —
// never doubles a row, and a file's rows are never half in without its
// retry completing them. The common path costs two small inserts and one
// lookup per batch of files, not per file. As a second guard the tables
// are ReplacingMergeTree ordered by (project, time, …, file, line): a row
// inserted twice anyway (two ingesters racing on one file) becomes one
// row when ClickHouse merges, and SELECT … FINAL counts it once at once.
//
// # Migrations and retention
//
// Migrate applies migrations/clickhouse/*.sql, one statement at a time
// (ClickHouse has no transactions), recording versions in
// schema_migrations; every statement is repeatable. DropBefore drops the
// monthly partitions older than a cutoff (retention).
package clickhouse
