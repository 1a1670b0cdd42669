package clickhouse

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// maxMarkers bounds the markers one query returns.
const maxMarkers = 10000

// InsertMarkers implements commands.MarkerStore. change_markers is a
// ReplacingMergeTree keyed on (project, time, event): a marker stored
// twice is one row once merged, and Markers reads it once (FINAL).
func (s *Store) InsertMarkers(ctx context.Context, rows []commands.MarkerRow) error {
	if err := s.ensure(ctx); err != nil {
		return err
	}
	n := len(rows)
	projects, deployments, builds := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n)
	rollbacks, events := make([]uuid.UUID, n), make([]uuid.UUID, n)
	kinds, keys, bys, ats := make([]string, n), make([]string, n), make([]string, n), make([]uint64, n)
	for i, r := range rows {
		projects[i], deployments[i], builds[i], rollbacks[i], events[i] = r.ProjectID, r.DeploymentID, r.BuildID, r.RollbackOf, r.EventID
		kinds[i], keys[i], bys[i], ats[i] = r.Kind, r.Key, r.By, r.AtUS
	}
	return classify(s.insert.Insert(ctx, "change_markers", []Column{
		{"project_id", "UUID", projects}, {"deployment_id", "UUID", deployments}, {"build_id", "UUID", builds},
		{"rollback_of", "UUID", rollbacks}, {"event_id", "UUID", events}, {"kind", "String", kinds},
		{"key", "String", keys}, {"by", "String", bys}, {"at_us", "UInt64", ats},
	}))
}

// Markers implements commands.ObservabilityReads: a project's markers in
// time order, each event's once; over maxMarkers, the newest.
func (s *Store) Markers(ctx context.Context, projectID uuid.UUID, f commands.MarkerFilter) ([]commands.MarkerRow, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	w := projectRange("at_us", projectID, f.FromUS, f.ToUS)
	if f.DeploymentID != uuid.Nil {
		w.add("(deployment_id = toUUID(?) OR deployment_id = toUUID(?))", f.DeploymentID.String(), uuid.Nil.String())
	}
	rows, err := s.conn.Query(ctx, `SELECT project_id, deployment_id, build_id, rollback_of, event_id, kind, key, by, at_us
		FROM change_markers FINAL WHERE `+w.sql()+` ORDER BY at_us DESC, event_id DESC LIMIT `+fmt.Sprint(maxMarkers), w.args...)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: markers: %w", err))
	}
	defer rows.Close()
	var out []commands.MarkerRow
	for rows.Next() {
		var r commands.MarkerRow
		if err := rows.Scan(&r.ProjectID, &r.DeploymentID, &r.BuildID, &r.RollbackOf, &r.EventID, &r.Kind, &r.Key, &r.By, &r.AtUS); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: markers: %w", err))
		}
		out = append(out, r)
	}
	slices.Reverse(out)
	return out, classify(rows.Err())
}
