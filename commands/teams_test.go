package commands_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

func principal(t *testing.T, env *apptest.Env, email string, admin bool) commands.Principal {
	t.Helper()
	u, err := env.Admin.EnsureUser(context.Background(), email, "", admin)
	require.NoError(t, err)
	return commands.Principal{UserID: u.ID, Email: u.Email, PlatformAdmin: u.PlatformAdmin}
}

func ptr[T any](v T) *T { return &v }

func TestCreateTeamMakesCallerOwnerAndReadsItsWrites(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	alice := principal(t, env, "Alice@Example.com", false)
	assert.Equal(t, "alice@example.com", alice.Email)

	created, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "  Job Agents! "})
	require.NoError(t, err)
	assert.Equal(t, "Job Agents!", created.Name)
	assert.Equal(t, "job-agents", created.Slug)
	assert.Equal(t, domain.RoleOwner, created.Role)

	got, err := env.Admin.GetTeam(ctx, alice, created.ID) // no sleep: read-your-writes
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)
	assert.Equal(t, domain.RoleOwner, got.Role)
	members, err := env.Admin.ListMembers(ctx, alice, created.ID)
	require.NoError(t, err)
	require.Len(t, members, 1)
	assert.Equal(t, alice.UserID, members[0].UserID)
	assert.Equal(t, "alice@example.com", members[0].Email)
	assert.Equal(t, domain.RoleOwner, members[0].Role)
	list, err := env.Admin.ListTeams(ctx, alice)
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestTeamSlugsAreValidatedAndUnique(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)

	for _, bad := range []commands.CreateTeamInput{
		{Name: ""}, {Name: "x", Slug: "Bad"}, {Name: "x", Slug: "a--b"}, {Name: "x", Slug: "-a"},
		{Name: "x", Slug: "this-slug-is-far-too-long-to-be-a-label"}, {Name: "!!!"}, {Name: "tab\there"},
	} {
		_, err := env.Admin.CreateTeam(ctx, alice, bad)
		assert.ErrorIs(t, err, domain.ErrInvalid, "%+v", bad)
	}
	_, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme", Slug: "acme"})
	require.NoError(t, err)
	_, err = env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme again"})
	require.NoError(t, err, "a different derived slug")
	_, err = env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Other", Slug: "acme"})
	assert.ErrorIs(t, err, domain.ErrConflict)
}

func TestConcurrentCreatesOfOneSlugLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]error, 8)
	for i := range results {
		p := principal(t, env, fmt.Sprintf("u%d@example.com", i), false)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, results[i] = env.Admin.CreateTeam(ctx, p, commands.CreateTeamInput{Name: "Race", Slug: "race"})
		}(i)
	}
	wg.Wait()
	env.CaughtUp(t) // the reader below wrote nothing itself
	wins := 0
	for _, err := range results {
		if err == nil {
			wins++
		} else {
			assert.ErrorIs(t, err, domain.ErrConflict)
		}
	}
	assert.Equal(t, 1, wins)
	teams, err := env.Admin.ListTeams(ctx, commands.System)
	require.NoError(t, err)
	assert.Len(t, teams, 1)
}

func TestUpdateAndDeleteTeamMoveSlugs(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)
	bob := principal(t, env, "bob@example.com", false)
	team, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme", Slug: "acme"})
	require.NoError(t, err)

	updated, err := env.Admin.UpdateTeam(ctx, alice, team.ID, commands.UpdateTeamInput{Name: ptr("Acme Corp"), Slug: ptr("acme-corp")})
	require.NoError(t, err)
	assert.Equal(t, "Acme Corp", updated.Name)
	assert.Equal(t, "acme-corp", updated.Slug)
	_, err = env.Admin.UpdateTeam(ctx, alice, team.ID, commands.UpdateTeamInput{Slug: ptr("Nope!")})
	assert.ErrorIs(t, err, domain.ErrInvalid)

	other, err := env.Admin.CreateTeam(ctx, bob, commands.CreateTeamInput{Name: "Acme", Slug: "acme"})
	require.NoError(t, err, "the old slug was released")
	_, err = env.Admin.UpdateTeam(ctx, bob, other.ID, commands.UpdateTeamInput{Slug: ptr("acme-corp")})
	assert.ErrorIs(t, err, domain.ErrConflict, "the new slug is held")

	require.NoError(t, env.Admin.DeleteTeam(ctx, alice, team.ID))
	_, err = env.Admin.GetTeam(ctx, alice, team.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, env.Admin.DeleteTeam(ctx, alice, team.ID), domain.ErrNotFound)
	_, err = env.Admin.UpdateTeam(ctx, bob, other.ID, commands.UpdateTeamInput{Slug: ptr("acme-corp")})
	assert.NoError(t, err, "deleting a team frees its slug")

	projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)

	claims := projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims")
	require.Len(t, claims, 3, "two users' emails and the remaining team's slug")
	_, err = projections.RebuildClaims(ctx, env.Store, projections.Options{BatchSize: 3})
	require.NoError(t, err)
	assert.Equal(t, claims, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims"),
		"the claims commands wrote are exactly those the events derive")
}

func TestOutsidersSeeNotFoundAndPlatformAdminsSeeAll(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)
	mallory := principal(t, env, "mallory@example.com", false)
	root := principal(t, env, "root@example.com", true)
	wctx, wrote := commands.WithConsistency(ctx, commands.Position{})
	team, err := env.Admin.CreateTeam(wctx, alice, commands.CreateTeamInput{Name: "Secret"})
	require.NoError(t, err)
	token := wrote()
	require.NotZero(t, token.GlobalPosition, "the command reports its position")
	// Readers other than alice carry her consistency token, as a client
	// would between replicas.
	ctx, _ = commands.WithConsistency(ctx, token)

	_, err = env.Admin.GetTeam(ctx, mallory, team.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = env.Admin.ListMembers(ctx, mallory, team.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = env.Admin.UpdateTeam(ctx, mallory, team.ID, commands.UpdateTeamInput{Name: ptr("Mine")})
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, env.Admin.DeleteTeam(ctx, mallory, team.ID), domain.ErrNotFound)
	_, err = env.Admin.GetTeam(ctx, mallory, uuid.New())
	assert.ErrorIs(t, err, domain.ErrNotFound, "an unknown team looks the same")
	mine, err := env.Admin.ListTeams(ctx, mallory)
	require.NoError(t, err)
	assert.Empty(t, mine)

	got, err := env.Admin.GetTeam(ctx, root, team.ID)
	require.NoError(t, err)
	assert.Equal(t, team.ID, got.ID)
	all, err := env.Admin.ListTeams(ctx, root)
	require.NoError(t, err)
	assert.Len(t, all, 1)
}

// fixedClock is a clock a test sets; the app's goroutines read it.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fixedClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestTokensAuthenticate(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Clock = clock })
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", true)

	tok, err := env.Admin.CreateToken(ctx, commands.System, alice.UserID, "cli", nil)
	require.NoError(t, err)
	got, err := env.Admin.Authenticate(ctx, tok.Token)
	require.NoError(t, err)
	assert.Equal(t, alice.UserID, got.UserID)
	assert.True(t, got.PlatformAdmin)
	assert.Equal(t, tok.ID, got.TokenID)

	for _, bad := range []string{"", "Bearer x", tok.Token + "x", "mat_" + tok.Prefix + "_", "mat_zzzzzzzz_abc", tok.Token[:len(tok.Token)-1]} {
		_, err := env.Admin.Authenticate(ctx, bad)
		assert.ErrorIs(t, err, domain.ErrUnauthenticated, bad)
	}

	exp := clock.Now().Add(time.Hour)
	short, err := env.Admin.CreateToken(ctx, alice, alice.UserID, "short", &exp)
	require.NoError(t, err)
	_, err = env.Admin.Authenticate(ctx, short.Token)
	require.NoError(t, err, "valid until its expiry")
	clock.set(exp)
	_, err = env.Admin.Authenticate(ctx, short.Token)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "expired")

	past := clock.Now().Add(-time.Minute)
	_, err = env.Admin.CreateToken(ctx, alice, alice.UserID, "past", &past)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	bob := principal(t, env, "bob@example.com", false)
	_, err = env.Admin.CreateToken(ctx, bob, alice.UserID, "steal", nil)
	assert.ErrorIs(t, err, domain.ErrPermissionDenied)

	var hashes int
	require.NoError(t, env.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%'`,
		tok.Token[len("mat_")+9:]).Scan(&hashes))
	assert.Zero(t, hashes, "the secret is never stored")
}
