package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

type outbox struct {
	mu    sync.Mutex
	mails []commands.InviteMail
}

func (o *outbox) SendInvite(_ context.Context, m commands.InviteMail) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mails = append(o.mails, m)
	return nil
}

func (o *outbox) lastToken(t *testing.T) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	require.NotEmpty(t, o.mails)
	u := o.mails[len(o.mails)-1].AcceptURL // …/api/invites/<token>/accept
	token, _, _ := strings.Cut(u[strings.Index(u, commands.InvitePrefix):], "/")
	return token
}

// TestProjectWritesHoldAgainstTeamChangesOnAnotherReplica runs two
// replicas over one database. Replica A decides project writes on its
// cached view of the team; replica B changes the team. A's stale view
// must neither let a removed member write nor refuse a member just added.
func TestProjectWritesHoldAgainstTeamChangesOnAnotherReplica(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	folder := filepath.Join(base, "math")
	require.NoError(t, os.MkdirAll(filepath.Join(folder, "src", "mastra"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(folder, "package.json"), []byte(`{"dependencies":{"@mastra/core":"1"}}`), 0o644))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	mail := &outbox{}
	var cfgB app.Config
	a := apptest.Start(t, func(c *app.Config) {
		c.Commands.Sources, c.Commands.Mailer = sources, mail
		cfgB = *c
	})
	b, err := app.New(cfgB) // replica B: same database, its own caches; A's consumers keep the read models
	require.NoError(t, err)
	ctx := context.Background()
	alice := principal(t, a, "alice@example.com", false)
	bob := principal(t, a, "bob@example.com", false)
	src, _ := json.Marshal(map[string]string{"path": folder})
	acme, err := a.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "Acme"})
	require.NoError(t, err)
	create := func(admin *commands.Admin, p commands.Principal, name string) error {
		_, err := admin.CreateProject(ctx, p, acme.ID, commands.ProjectInput{Name: name, SourceType: "local", SourceConfig: src})
		return err
	}

	// Bob joins as a developer through replica B, after A cached the team
	// without him: A must not refuse him on its stale view.
	require.NoError(t, create(a.Admin, alice, "First"))
	_, err = b.Admin.InviteMember(ctx, alice, acme.ID, commands.InviteInput{Email: "bob@example.com", Role: "developer"})
	require.NoError(t, err)
	a.CaughtUp(t) // bob reads what alice wrote
	_, err = b.Admin.AcceptInvite(ctx, bob, mail.lastToken(t))
	require.NoError(t, err)
	require.NoError(t, create(a.Admin, bob, "By Bob"), "a member added elsewhere is allowed at once")

	// Bob is removed through replica B; A's cached view still lists him.
	require.NoError(t, b.Admin.RemoveMember(ctx, alice, acme.ID, bob.UserID))
	err = create(a.Admin, bob, "Too Late")
	require.Error(t, err, "the guard catches the removal and the retry refuses")
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// Renamed elsewhere: the guard fails once, the retry succeeds.
	_, err = b.Admin.UpdateTeam(ctx, alice, acme.ID, commands.UpdateTeamInput{Name: ptr("Acme Labs")})
	require.NoError(t, err)
	require.NoError(t, create(a.Admin, alice, "After Rename"))

	a.CaughtUp(t)
	list, err := a.Admin.ListProjects(ctx, alice, acme.ID)
	require.NoError(t, err)
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	assert.ElementsMatch(t, []string{"First", "By Bob", "After Rename"}, names)
}

// TestLicenseLimitsHoldUnderConcurrency creates teams and projects in
// parallel under the community license: never more than it allows.
func TestLicenseLimitsHoldUnderConcurrency(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	folder := filepath.Join(base, "math")
	require.NoError(t, os.MkdirAll(folder, 0o755))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	env := apptest.Start(t, func(c *app.Config) { c.Commands.License, c.Commands.Sources = license.CommunityLicense(), sources })
	ctx := context.Background()
	alice := principal(t, env, "alice@example.com", false)

	created := make(chan uuid.UUID, 12)
	refused := make(chan error, 12)
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t, err := env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: fmt.Sprintf("Team %d", i)})
			if err != nil {
				refused <- err
				return
			}
			created <- t.ID
		}(i)
	}
	wg.Wait()
	close(created)
	close(refused)
	var teams []uuid.UUID
	for id := range created {
		teams = append(teams, id)
	}
	assert.Len(t, teams, license.CommunityLicense().Limits.Teams, "12 at once under a limit of 3")
	for err := range refused {
		assert.ErrorIs(t, err, domain.ErrLicenseRequired)
		assert.Contains(t, err.Error(), "allows 3 teams")
	}

	src, _ := json.Marshal(map[string]string{"path": folder})
	errs := make([]error, 14)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = env.Admin.CreateProject(ctx, alice, teams[i%len(teams)],
				commands.ProjectInput{Name: fmt.Sprintf("P %d", i), SourceType: "local", SourceConfig: src})
		}(i)
	}
	wg.Wait()
	made := 0
	for _, err := range errs {
		if err == nil {
			made++
		} else {
			assert.ErrorIs(t, err, domain.ErrLicenseRequired)
		}
	}
	assert.Equal(t, license.CommunityLicense().Limits.Projects, made, "14 at once, across teams, under a limit of 10")

	require.NoError(t, env.Admin.DeleteTeam(ctx, alice, teams[0]))
	_, err = env.Admin.CreateTeam(ctx, alice, commands.CreateTeamInput{Name: "After Delete"})
	assert.NoError(t, err, "deleting a team frees its place")
}
