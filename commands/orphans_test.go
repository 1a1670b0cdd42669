package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// TestSweepDeletesProjectsOfADeletedTeam: a team deleted without its
// projects (DeleteTeam deletes them best effort) has them deleted by the
// sweep, which frees their slugs and their places under the project limit.
func TestSweepDeletesProjectsOfADeletedTeam(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	owner := principal(t, env, "owner@example.com", false)
	tm, err := env.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Gone"})
	require.NoError(t, err)
	pr, err := env.Admin.CreateProject(ctx, owner, tm.ID, commands.ProjectInput{Name: "Left", SourceType: "local", SourceConfig: source})
	require.NoError(t, err)

	// The team's deletion alone, as if the cascade had not run.
	store := pgstore.NewEventStore(env.Store, pgstore.Registry())
	_, version, err := store.Load(ctx, team.StreamID(tm.ID))
	require.NoError(t, err)
	_, err = store.Append(ctx, commands.Meta{Actor: "test"}, commands.Conditions{}, commands.Append{
		StreamID: team.StreamID(tm.ID), Expected: version,
		Events: []commands.NewEvent{{ID: uuid.New(), Event: team.Deleted{TeamID: tm.ID, Slug: tm.Slug, By: owner.UserID, At: time.Now()}}},
	})
	require.NoError(t, err)
	env.CaughtUp(t)

	n, err := env.Admin.ExpireDeployments(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	events, _, err := store.Load(ctx, project.StreamID(pr.ID))
	require.NoError(t, err)
	deleted, ok := events[len(events)-1].(project.Deleted)
	require.True(t, ok, "%T", events[len(events)-1])
	assert.Equal(t, project.ReasonTeamDeleted, deleted.Reason)
	_, held, err := env.Store.ClaimOwner(ctx, project.SlugScope(tm.ID), pr.Slug)
	require.NoError(t, err)
	assert.False(t, held, "the project's slug, and its place under the limit, are free")
	env.CaughtUp(t)
	n, err = env.Admin.ExpireDeployments(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
}
