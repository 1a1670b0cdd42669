package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// TestTwoTeamsRacingForASlugGetBasesOfTheirOwn: teams creating projects
// with one slug at once each get a base; exactly one gets the slug, the
// other "<slug>-<team-slug>", and both deploy production and staging.
func TestTwoTeamsRacingForASlugGetBasesOfTheirOwn(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)
	bob := principal(t, env, "bob@example.com", false)
	ta, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Alpha"})
	require.NoError(t, err)
	tb, err := env.Admin.CreateTeam(ctx, bob, commands.CreateTeamInput{Name: "Beta"})
	require.NoError(t, err)

	for round := range 4 {
		slug := fmt.Sprintf("shop-%d", round)
		var wg sync.WaitGroup
		start := make(chan struct{})
		views := make([]project.View, 2)
		errs := make([]error, 2)
		for i, c := range []struct {
			p    commands.Principal
			team uuid.UUID
		}{{alice, ta.ID}, {bob, tb.ID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				views[i], errs[i] = env.Admin.CreateProject(ctx, c.p, c.team,
					commands.ProjectInput{Name: "Shop", Slug: slug, SourceType: "local", SourceConfig: source})
			}()
		}
		close(start)
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		bases := map[string]uuid.UUID{views[0].SubdomainBase: ta.ID, views[1].SubdomainBase: tb.ID}
		require.Len(t, bases, 2, "two bases: %v", bases)
		winner, ok := bases[slug]
		require.True(t, ok, "one team gets the slug itself: %v", bases)
		loser, loserSlug := tb.ID, tb.Slug
		if winner == tb.ID {
			loser, loserSlug = ta.ID, ta.Slug
		}
		assert.Equal(t, loser, bases[slug+"-"+loserSlug], "the other gets <slug>-<team-slug>: %v", bases)

		subdomains := map[string]bool{}
		for i, v := range views {
			who := []commands.Principal{alice, bob}[i]
			for _, typ := range []deployment.Type{deployment.Production, deployment.Staging} {
				d, err := env.Admin.CreateDeployment(ctx, who, v.ID, commands.DeploymentInput{Type: typ})
				require.NoError(t, err, "%s of %s", typ, v.SubdomainBase)
				assert.Equal(t, deployment.Subdomain(typ, string(typ), v.SubdomainBase), d.Subdomain)
				subdomains[d.Subdomain] = true
			}
		}
		assert.Len(t, subdomains, 4)
	}
	assertClaimsRebuild(t, env)
}

// TestASecondTeamNeverGetsTheFirstTeamsSubdomains: a base stays with the
// team that reserved it, through its project's deletion; another team's
// project with that slug gets a base of its own; a conflict names no
// other team; team deletion frees the base.
func TestASecondTeamNeverGetsTheFirstTeamsSubdomains(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)
	mallory := principal(t, env, "mallory@example.com", false)
	ta, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme"})
	require.NoError(t, err)
	tm, err := env.Admin.CreateTeam(ctx, mallory, commands.CreateTeamInput{Name: "Squat"})
	require.NoError(t, err)
	create := func(p commands.Principal, teamID uuid.UUID) project.View {
		v, err := env.Admin.CreateProject(ctx, p, teamID, commands.ProjectInput{Name: "Agent", SourceType: "local", SourceConfig: source})
		require.NoError(t, err)
		return v
	}

	pa := create(alice, ta.ID)
	assert.Equal(t, "agent", pa.SubdomainBase)
	prod, err := env.Admin.CreateDeployment(ctx, alice, pa.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	assert.Equal(t, "agent", prod.Subdomain)

	pm := create(mallory, tm.ID)
	assert.Equal(t, "agent-squat", pm.SubdomainBase, "a base of its own")
	got, err := env.Admin.GetProject(ctx, mallory, pm.ID)
	require.NoError(t, err)
	assert.Equal(t, "agent-squat", got.SubdomainBase, "the project view shows it")
	for _, in := range []commands.DeploymentInput{{Type: deployment.Production}, {Type: deployment.Staging},
		{Type: deployment.Preview, Branch: "feature/x"}} {
		d, err := env.Admin.CreateDeployment(ctx, mallory, pm.ID, in)
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(d.Subdomain, "agent-squat"), d.Subdomain)
	}

	// Alice deletes her project: the base stays hers, so her URLs are
	// never served by another team's server.
	require.NoError(t, env.Admin.DeleteProject(ctx, alice, pa.ID))
	owner, held, err := env.Store.ClaimOwner(ctx, project.BaseScope, "agent")
	require.NoError(t, err)
	require.True(t, held)
	assert.Equal(t, ta.ID, owner, "back with the team")
	require.NoError(t, env.Admin.DeleteProject(ctx, mallory, pm.ID))
	pm2 := create(mallory, tm.ID)
	assert.Equal(t, "agent-squat", pm2.SubdomainBase, "mallory's team gets its own base back, not alice's")

	// Alice's new project gets her base back; until the sweep deletes the
	// old production deployment, its subdomain is held, and the conflict
	// says so without a word of any other team.
	pa2 := create(alice, ta.ID)
	assert.Equal(t, "agent", pa2.SubdomainBase)
	_, err = env.Admin.CreateDeployment(ctx, alice, pa2.ID, commands.DeploymentInput{Type: deployment.Production})
	require.ErrorIs(t, err, domain.ErrConflict)
	assertNamesNoTeam(t, err.Error(), tm)
	env.CaughtUp(t)
	_, err = env.Admin.ExpireDeployments(ctx)
	require.NoError(t, err)
	_, err = env.Admin.CreateDeployment(ctx, alice, pa2.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err, "freed by the sweep")

	// A project slug taken in the team is a conflict of the team only.
	_, err = env.Admin.CreateProject(ctx, mallory, tm.ID, commands.ProjectInput{Name: "Agent", SourceType: "local", SourceConfig: source})
	require.ErrorIs(t, err, domain.ErrConflict)
	assert.Contains(t, err.Error(), "taken in this team")
	assertNamesNoTeam(t, err.Error(), ta)

	// Deleting a team frees its bases.
	require.NoError(t, env.Admin.DeleteTeam(ctx, alice, ta.ID))
	_, held, err = env.Store.ClaimOwner(ctx, project.BaseScope, "agent")
	require.NoError(t, err)
	assert.False(t, held, "freed with the team")

	env.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)
	assertClaimsRebuild(t, env)
}

// TestPlatformAdminTransfersABase: only a platform admin moves a base; not
// while a project uses it or deployments live under it; the transfer is
// an event in the audit log, and the receiving team's next project with
// that slug gets the base.
func TestPlatformAdminTransfersABase(t *testing.T) {
	t.Parallel()
	sources, source := localProject(t)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources = sources })
	ctx := context.Background()
	mallory := principal(t, env, "mallory@example.com", false)
	alice := principal(t, env, "alice@example.com", false)
	root := principal(t, env, "root@example.com", true)
	tm, err := env.Admin.CreateTeam(ctx, mallory, commands.CreateTeamInput{Name: "Squat"})
	require.NoError(t, err)
	ta, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme"})
	require.NoError(t, err)
	in := commands.ProjectInput{Name: "Acme", SourceType: "local", SourceConfig: source}
	squat, err := env.Admin.CreateProject(ctx, mallory, tm.ID, in)
	require.NoError(t, err)
	require.Equal(t, "acme", squat.SubdomainBase)
	prod, err := env.Admin.CreateDeployment(ctx, mallory, squat.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	mine, err := env.Admin.CreateProject(ctx, alice, ta.ID, in)
	require.NoError(t, err)
	assert.Equal(t, "acme-acme", mine.SubdomainBase)

	to := commands.TransferInput{TeamID: ta.ID}
	for _, p := range []commands.Principal{alice, mallory} {
		assert.ErrorIs(t, env.Admin.TransferSubdomainBase(ctx, p, "acme", to), domain.ErrPermissionDenied, "not a platform admin")
	}
	err = env.Admin.TransferSubdomainBase(ctx, root, "acme", to)
	require.ErrorIs(t, err, domain.ErrConflict)
	assert.Contains(t, err.Error(), "used by project "+squat.ID.String())
	assert.ErrorIs(t, env.Admin.TransferSubdomainBase(ctx, root, "Not A Slug", to), domain.ErrInvalid)
	assert.ErrorIs(t, env.Admin.TransferSubdomainBase(ctx, root, "acme", commands.TransferInput{TeamID: uuid.New()}), domain.ErrNotFound)
	assert.ErrorIs(t, env.Admin.TransferSubdomainBase(ctx, root, "acme", commands.TransferInput{}), domain.ErrInvalid)

	// The platform admin deletes the squatting project; its production
	// deployment still lives until the sweep.
	require.NoError(t, env.Admin.DeleteProject(ctx, root, squat.ID))
	err = env.Admin.TransferSubdomainBase(ctx, root, "acme", to)
	require.ErrorIs(t, err, domain.ErrConflict)
	assert.Contains(t, err.Error(), "1 live deployment")
	env.CaughtUp(t)
	_, err = env.Admin.ExpireDeployments(ctx)
	require.NoError(t, err)
	_, err = env.Admin.GetDeployment(ctx, root, prod.ID)
	require.ErrorIs(t, err, domain.ErrNotFound)

	require.NoError(t, env.Admin.TransferSubdomainBase(ctx, root, "acme", to))
	assert.ErrorIs(t, env.Admin.TransferSubdomainBase(ctx, root, "acme", to), domain.ErrConflict, "already alice's team's")
	owner, _, err := env.Store.ClaimOwner(ctx, project.BaseScope, "acme")
	require.NoError(t, err)
	assert.Equal(t, ta.ID, owner)

	store := pgstore.NewEventStore(env.Store, pgstore.Registry())
	events, _, err := store.Load(ctx, project.BaseStreamID("acme"))
	require.NoError(t, err)
	require.Len(t, events, 1)
	tr, ok := events[0].(project.SubdomainBaseTransferred)
	require.True(t, ok, "%T", events[0])
	assert.Equal(t, project.SubdomainBaseTransferred{Base: "acme", FromTeam: tm.ID, ToTeam: ta.ID, By: root.UserID, At: tr.At}, tr)
	env.CaughtUp(t) // alice reads what root wrote
	entries, err := env.Admin.Audit(ctx, alice, commands.AuditQuery{TeamID: &ta.ID})
	require.NoError(t, err)
	audited := false
	for _, e := range entries {
		audited = audited || e.EventType == project.TypeSubdomainBaseTransferred
	}
	assert.True(t, audited, "the receiving team's audit log shows the transfer")

	// Mallory's team cannot get the base back; alice's next project with
	// the slug gets it.
	again, err := env.Admin.CreateProject(ctx, mallory, tm.ID, in)
	require.NoError(t, err)
	assert.Equal(t, "acme-squat", again.SubdomainBase)
	require.NoError(t, env.Admin.DeleteProject(ctx, alice, mine.ID))
	mine, err = env.Admin.CreateProject(ctx, alice, ta.ID, in)
	require.NoError(t, err)
	assert.Equal(t, "acme", mine.SubdomainBase)
	d, err := env.Admin.CreateDeployment(ctx, alice, mine.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	assert.Equal(t, "acme", d.Subdomain)

	// A free base can be given too.
	require.NoError(t, env.Admin.TransferSubdomainBase(ctx, root, "unused", commands.TransferInput{TeamID: tm.ID}))
	owner, _, err = env.Store.ClaimOwner(ctx, project.BaseScope, "unused")
	require.NoError(t, err)
	assert.Equal(t, tm.ID, owner)

	env.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)
	assertClaimsRebuild(t, env)
}

// assertNamesNoTeam checks that msg neither names the other team nor
// hints that another team exists.
func assertNamesNoTeam(t *testing.T, msg string, other team.View) {
	t.Helper()
	for _, s := range []string{other.ID.String(), other.Slug, other.Name, "another team", "other team"} {
		assert.NotContains(t, strings.ToLower(msg), strings.ToLower(s))
	}
}

// assertClaimsRebuild checks that the claims the commands wrote are
// exactly those the events derive, the subdomain bases included.
func assertClaimsRebuild(t *testing.T, env *apptest.Env) {
	t.Helper()
	claims := projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims")
	bases := 0
	for _, row := range claims {
		if strings.Contains(row, `"`+project.BaseScope+`"`) {
			bases++
		}
	}
	require.NotZero(t, bases, "the dump holds subdomain bases")
	_, err := projections.RebuildClaims(context.Background(), env.Store, projections.Options{BatchSize: 3})
	require.NoError(t, err)
	assert.Equal(t, claims, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims"),
		"the claims commands wrote are exactly those the events derive")
}
