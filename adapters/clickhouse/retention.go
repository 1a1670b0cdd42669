package clickhouse

import (
	"context"
	"fmt"
	"time"
)

// DropBefore implements commands.ObservabilityStore: it drops every
// monthly partition (YYYYMM) whose month ended at or before cutoff.
func (s *Store) DropBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	c := cutoff.UTC()
	// The newest droppable month is the one before cutoff's month.
	last := uint32(c.Year())*100 + uint32(c.Month())
	rows, err := s.conn.Query(ctx, `SELECT DISTINCT table, partition FROM system.parts
		WHERE database = ? AND active AND table IN ('spans', 'trace_index', 'logs', 'change_markers', 'ingested_files')
		ORDER BY table, partition`, s.cfg.Database)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: list partitions: %w", err))
	}
	type part struct{ table, partition string }
	var drop []part
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.table, &p.partition); err != nil {
			rows.Close()
			return nil, fmt.Errorf("clickhouse: list partitions: %w", err)
		}
		var month uint32
		if _, err := fmt.Sscanf(p.partition, "%d", &month); err != nil {
			continue // not a monthly partition
		}
		if month < last {
			drop = append(drop, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(fmt.Errorf("clickhouse: list partitions: %w", err))
	}
	var out []string
	for _, p := range drop {
		if err := s.conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DROP PARTITION %s", p.table, p.partition)); err != nil {
			return out, classify(fmt.Errorf("clickhouse: drop partition %s of %s: %w", p.partition, p.table, err))
		}
		out = append(out, p.table+"/"+p.partition)
	}
	return out, nil
}
