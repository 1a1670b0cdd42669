package projections_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/migrations"
	"github.com/mastra-admin/mastra-admin/projections"
)

// TestMigrationDerivesTheBasesOfExistingEventsAsTheReplayDoes: events
// recorded before subdomain bases (no subdomainBase field) get, from
// migration 0014, the base claims a claims replay derives: the first
// project with a slug holds it, a deleted project's base stays with its
// team, a deleted team's bases are freed.
func TestMigrationDerivesTheBasesOfExistingEventsAsTheReplayDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewEmpty(t)
	all, err := migrations.Postgres()
	require.NoError(t, err)
	var before []migrations.Migration
	for _, m := range all {
		if m.Version < 14 {
			before = append(before, m)
		}
	}
	_, err = migrations.Apply(ctx, db.Pool, before)
	require.NoError(t, err)
	s, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)

	at := time.Date(2026, 11, 1, 10, 0, 0, 123456789, time.UTC)
	versions := map[string]int64{}
	add := func(stream, typ string, payload map[string]any) {
		at = at.Add(time.Second)
		payload["at"] = at
		b, err := json.Marshal(payload)
		require.NoError(t, err)
		_, err = s.AppendStreams(ctx, eventstore.StreamAppend{StreamID: stream, Expected: eventstore.Exact(versions[stream]),
			Events: []eventstore.EventData{{ID: uuid.New(), Type: typ, Payload: b}}})
		require.NoError(t, err)
		versions[stream]++
	}
	ta, tb, tc := uuid.New(), uuid.New(), uuid.New()
	pa, pb, pgone, px := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	project := func(id, team uuid.UUID, slug string) {
		add("project-"+id.String(), "project.ProjectCreated", map[string]any{"projectId": id, "teamId": team, "name": slug,
			"slug": slug, "sourceType": "local", "sourceConfig": map[string]any{}, "defaultBranch": "main", "by": uuid.Nil})
	}
	for i, team := range []uuid.UUID{ta, tb, tc} {
		add("team-"+team.String(), "team.TeamCreated", map[string]any{"teamId": team, "name": "T", "slug": []string{"a", "b", "c"}[i], "createdBy": uuid.Nil})
	}
	project(pa, ta, "shop")
	project(pb, tb, "shop")
	project(pgone, ta, "gone")
	add("project-"+pgone.String(), "project.ProjectDeleted", map[string]any{"projectId": pgone, "teamId": ta, "slug": "gone", "by": uuid.Nil})
	project(px, tc, "x")
	add("team-"+tc.String(), "team.TeamDeleted", map[string]any{"teamId": tc, "slug": "c", "by": uuid.Nil})
	add("project-"+px.String(), "project.ProjectDeleted", map[string]any{"projectId": px, "teamId": tc, "slug": "x",
		"reason": "team deleted", "by": uuid.Nil})

	_, err = migrations.Apply(ctx, db.Pool, all)
	require.NoError(t, err)
	bases := func() map[string]string {
		rows, err := db.Pool.Query(ctx, `SELECT value, owner::text || ' ' || claimed_at::text FROM unique_claims WHERE scope = 'subdomain-base'`)
		require.NoError(t, err)
		out := map[string]string{}
		for rows.Next() {
			var v, o string
			require.NoError(t, rows.Scan(&v, &o))
			out[v] = o
		}
		require.NoError(t, rows.Err())
		return out
	}
	migrated := bases()
	require.Len(t, migrated, 2, "%v", migrated)
	assert.Contains(t, migrated["shop"], pa.String(), "the first project with the slug")
	assert.Contains(t, migrated["gone"], ta.String(), "a deleted project's base stays with its team")

	_, err = projections.RebuildClaims(ctx, s, projections.Options{BatchSize: 2})
	require.NoError(t, err)
	assert.Equal(t, migrated, bases(), "the replay derives the same claims")
}
