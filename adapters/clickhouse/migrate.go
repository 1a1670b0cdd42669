package clickhouse

import (
	"context"
	"fmt"

	"github.com/mastra-admin/mastra-admin/migrations"
)

// MigrateResult says which migrations a Migrate call ran.
type MigrateResult struct {
	Applied []migrations.Migration
	Current int
}

// Migrate applies the embedded ClickHouse migrations that are not yet
// recorded in schema_migrations, one statement at a time. ClickHouse has
// no transactions or locks: every statement is written to be repeatable
// (CREATE … IF NOT EXISTS), so a migration cut short, or run by two
// replicas at once, is simply run again.
func (s *Store) Migrate(ctx context.Context) (MigrateResult, error) {
	var res MigrateResult
	list, err := migrations.ClickHouse()
	if err != nil {
		return res, err
	}
	if err := s.conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version UInt32, name String, applied_at DateTime DEFAULT now()
	) ENGINE = ReplacingMergeTree ORDER BY version`); err != nil {
		return res, classify(fmt.Errorf("clickhouse: create schema_migrations: %w", err))
	}
	applied := map[int]bool{}
	rows, err := s.conn.Query(ctx, `SELECT DISTINCT version FROM schema_migrations`)
	if err != nil {
		return res, classify(fmt.Errorf("clickhouse: read applied migrations: %w", err))
	}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return res, fmt.Errorf("clickhouse: read applied migrations: %w", err)
		}
		applied[int(v)] = true
		res.Current = max(res.Current, int(v))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, classify(fmt.Errorf("clickhouse: read applied migrations: %w", err))
	}
	for _, m := range list {
		if applied[m.Version] {
			continue
		}
		if m.Version < res.Current {
			return res, fmt.Errorf("clickhouse: migration %s was never applied but version %d was: refusing to apply out of order", m.Name, res.Current)
		}
		for _, stmt := range migrations.Statements(m.SQL) {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				return res, classify(fmt.Errorf("clickhouse: apply migration %s: %w", m.Name, err))
			}
		}
		// INSERT … SELECT: ClickHouse 18.16 hangs on a native INSERT … VALUES.
		if err := s.conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) SELECT toUInt32(?), ?`, uint32(m.Version), m.Name); err != nil {
			return res, classify(fmt.Errorf("clickhouse: record migration %s: %w", m.Name, err))
		}
		res.Applied = append(res.Applied, m)
		res.Current = m.Version
	}
	s.prepared.Store(true)
	return res, nil
}

// LatestMigration is the version of the newest embedded migration.
func LatestMigration() (int, error) {
	list, err := migrations.ClickHouse()
	if err != nil || len(list) == 0 {
		return 0, err
	}
	return list[len(list)-1].Version, nil
}
