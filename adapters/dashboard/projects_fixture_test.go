package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// projectsEnv is an App whose source provider scans a folder of its own
// ("math": a Mastra project; "no-entry": one without
// src/mastra/index.ts), with a team of an owner, a developer and a
// viewer, each signed in to the dashboard in a browser of their own.
type projectsEnv struct {
	*dashEnv
	math, noEntry string // the sources' paths, as the provider lists them
	team          uuid.UUID
	owner         commands.Principal
	browsers      map[domain.Role]*browser
	csrf          map[domain.Role]string
}

// inviteBox keeps the invite emails' tokens.
type inviteBox struct {
	mu     sync.Mutex
	tokens map[string]string
}

var inviteToken = regexp.MustCompile(`inv_[A-Za-z0-9_-]+`)

func (b *inviteBox) SendInvite(_ context.Context, m commands.InviteMail) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens[m.To] = inviteToken.FindString(m.AcceptURL)
	return nil
}

func startProjects(t *testing.T) *projectsEnv {
	t.Helper()
	root := t.TempDir()
	for path, body := range map[string]string{
		"math/package.json":        `{"name":"mastra-math","dependencies":{"@mastra/core":"^1.71.0"}}`,
		"math/package-lock.json":   `{}`,
		"math/src/mastra/index.ts": `export const mastra = 1`,
		"no-entry/package.json":    `{"name":"half-done","devDependencies":{"@mastra/core":"^1.71.0"}}`,
		"web/package.json":         `{"name":"web"}`,
	} {
		p := filepath.Join(root, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	real, err := filepath.EvalSymlinks(root)
	require.NoError(t, err)
	sources, err := local.New([]string{root})
	require.NoError(t, err)
	mail := &inviteBox{tokens: map[string]string{}}
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Sources, c.Commands.Mailer = sources, mail })
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log})
	require.NoError(t, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	t.Cleanup(srv.Close)
	e := &projectsEnv{dashEnv: &dashEnv{Env: env, srv: srv}, math: filepath.Join(real, "math"), noEntry: filepath.Join(real, "no-entry"),
		browsers: map[domain.Role]*browser{}, csrf: map[domain.Role]string{}}

	ctx := context.Background()
	tokens := map[domain.Role]string{}
	for _, role := range []domain.Role{domain.RoleOwner, domain.RoleDeveloper, domain.RoleViewer} {
		tokens[role] = e.token(t, string(role)+"@example.com", false)
	}
	e.owner = e.principal(t, tokens[domain.RoleOwner])
	tm, err := env.Admin.CreateTeam(ctx, e.owner, commands.CreateTeamInput{Name: "Agents"})
	require.NoError(t, err)
	e.team = tm.ID
	for _, role := range []domain.Role{domain.RoleDeveloper, domain.RoleViewer} {
		_, err := env.Admin.InviteMember(ctx, e.owner, tm.ID, commands.InviteInput{Email: string(role) + "@example.com", Role: string(role)})
		require.NoError(t, err)
		mail.mu.Lock()
		tok := mail.tokens[string(role)+"@example.com"]
		mail.mu.Unlock()
		_, err = env.Admin.AcceptInvite(ctx, e.principal(t, tokens[role]), tok)
		require.NoError(t, err)
	}
	e.CaughtUp(t)
	for role, tok := range tokens {
		b := e.browser(t)
		e.csrf[role] = b.signIn(tok)
		e.browsers[role] = b
	}
	return e
}

func (e *projectsEnv) principal(t *testing.T, token string) commands.Principal {
	t.Helper()
	p, err := e.Admin.Authenticate(context.Background(), token)
	require.NoError(t, err)
	return p
}

// form posts fields as role from the page at from, with the role's CSRF
// token.
func (e *projectsEnv) form(role domain.Role, path string, fields url.Values, from string) page {
	fields.Set(websession.CSRFField, e.csrf[role])
	return e.browsers[role].post(path, fields, from)
}

// followed posts a form as role and returns the page it redirects to
// (where its flash shows).
func (e *projectsEnv) followed(t *testing.T, role domain.Role, path string, fields url.Values, from string) (string, page) {
	t.Helper()
	p := e.form(role, path, fields, from)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	to := p.header.Get("Location")
	return to, e.browsers[role].get(to)
}

// project creates a project from the math source as the owner.
func (e *projectsEnv) project(t *testing.T, name string) uuid.UUID {
	t.Helper()
	cfg, err := json.Marshal(map[string]string{"path": e.math})
	require.NoError(t, err)
	p, err := e.Admin.CreateProject(context.Background(), e.owner, e.team, commands.ProjectInput{Name: name, SourceType: "local", SourceConfig: cfg})
	require.NoError(t, err)
	e.CaughtUp(t) // the browsers are other clients than the owner who made it
	return p.ID
}

// record appends events to a stream as the parts of the platform that
// are not running in this test (build workers, server runners) would.
func (e *projectsEnv) record(t *testing.T, stream string, events ...domain.Event) {
	t.Helper()
	for _, ev := range events {
		payload, err := json.Marshal(ev)
		require.NoError(t, err)
		_, err = e.Store.Append(context.Background(), stream, eventstore.Any,
			eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: ev.EventType(), Payload: payload})
		require.NoError(t, err)
	}
	e.CaughtUp(t)
}

var recordedAt = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
