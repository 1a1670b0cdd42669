package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// outbox keeps the invite mails an App sends.
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

// linkFor returns the path of the last invite link mailed to email.
func (o *outbox) linkFor(t *testing.T, email string) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.mails) - 1; i >= 0; i-- {
		if o.mails[i].To == email {
			u, err := url.Parse(o.mails[i].AcceptURL)
			require.NoError(t, err)
			return u.Path
		}
	}
	t.Fatalf("no invite mail to %s", email)
	return ""
}

// teamsEnv is a dashEnv whose App mails invites to an outbox and finds
// projects in a directory of its own.
type teamsEnv struct {
	*dashEnv
	mail   *outbox
	source []byte // a local project's source config
}

func startTeams(t *testing.T, tune ...func(*app.Config)) *teamsEnv {
	t.Helper()
	base := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(base, "math"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "math", "package.json"), []byte(`{"dependencies":{"@mastra/core":"1"}}`), 0o644))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	mail := &outbox{}
	env := apptest.Start(t, append([]func(*app.Config){func(c *app.Config) {
		c.Commands.Mailer, c.Commands.Sources, c.Commands.PublicURL = mail, sources, "http://admin.example"
	}}, tune...)...)
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log})
	require.NoError(t, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	t.Cleanup(srv.Close)
	return &teamsEnv{dashEnv: &dashEnv{Env: env, srv: srv}, mail: mail,
		source: []byte(fmt.Sprintf(`{"path":%q}`, filepath.Join(base, "math")))}
}

// user creates a user with an API token and returns both.
func (e *teamsEnv) user(t *testing.T, email string, admin bool) (string, commands.Principal) {
	t.Helper()
	tok := e.token(t, email, admin)
	p, err := e.Admin.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	return tok, p
}

// join makes who a member of teamID with role, through an invite.
func (e *teamsEnv) join(t *testing.T, owner, who commands.Principal, teamID uuid.UUID, role domain.Role) {
	t.Helper()
	ctx := context.Background()
	_, err := e.Admin.InviteMember(ctx, owner, teamID, commands.InviteInput{Email: who.Email, Role: string(role)})
	require.NoError(t, err)
	_, err = e.Admin.AcceptInvite(ctx, who, strings.TrimPrefix(e.mail.linkFor(t, who.Email), "/invites/"))
	require.NoError(t, err)
}

// switchRoute records that a deployment is served by build (as the deploy
// saga does once a server is healthy), and optionally that the route
// fails its health checks.
func (e *teamsEnv) switchRoute(t *testing.T, d deployment.View, build uuid.UUID, failing string) {
	t.Helper()
	ctx := context.Background()
	store := pgstore.NewEventStore(e.Store, pgstore.Registry())
	_, version, err := store.Load(ctx, deployment.StreamID(d.ID))
	require.NoError(t, err)
	srv, now := uuid.New(), time.Now().UTC()
	evs := []commands.NewEvent{{ID: uuid.New(), Event: deployment.RouteSwitched{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID,
		Subdomain: d.Subdomain, ServerID: srv, BuildID: build, ArtifactID: uuid.New(), BuildQueuedAt: now, Target: "127.0.0.1:4199", At: now}}}
	if failing != "" {
		evs = append(evs, commands.NewEvent{ID: uuid.New(), Event: deployment.RouteHealthChanged{DeploymentID: d.ID, ProjectID: d.ProjectID,
			TeamID: d.TeamID, Subdomain: d.Subdomain, ServerID: srv, Target: "127.0.0.1:4199", Healthy: false, Reason: failing, Router: "r1", At: now}})
	}
	_, err = store.Append(ctx, commands.Meta{Actor: "test"}, commands.Conditions{},
		commands.Append{StreamID: deployment.StreamID(d.ID), Expected: version, Events: evs})
	require.NoError(t, err)
	e.CaughtUp(t)
}

// after requires a redirect and gets the page it leads to.
func (b *browser) after(p page) page {
	b.t.Helper()
	require.Equal(b.t, http.StatusSeeOther, p.status, p.body)
	return b.get(p.header.Get("Location"))
}

func TestTeamHomeShowsProjectsWithTheirDeploymentsAndBuilds(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	tok, owner := e.user(t, "owner@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	pr, err := e.Admin.CreateProject(ctx, owner, tm.ID, commands.ProjectInput{Name: "Math Agent", SourceType: "local", SourceConfig: e.source})
	require.NoError(t, err)
	prod, err := e.Admin.CreateDeployment(ctx, owner, pr.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	staging, err := e.Admin.CreateDeployment(ctx, owner, pr.ID, commands.DeploymentInput{Type: deployment.Staging, Branch: "dev"})
	require.NoError(t, err)
	build := uuid.New()
	e.switchRoute(t, prod, build, "")
	empty, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Empty"})
	require.NoError(t, err)

	b := e.browser(t)
	b.signIn(tok)
	p := b.get("/teams/" + tm.ID.String())
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "<h1>Job Agents</h1>")
	assert.Contains(t, p.body, `<span class="badge">owner</span>`)
	assert.Contains(t, p.body, `href="/projects/`+pr.ID.String()+`">Math Agent</a>`)
	assert.Contains(t, p.body, `href="/deployments/`+prod.ID.String()+`">production</a>`)
	assert.Contains(t, p.body, `href="/deployments/`+staging.ID.String()+`">staging</a>`)
	assert.Contains(t, p.body, `<a href="`+prod.PublicURL+`" rel="noopener">`, "the public URL is a link")
	assert.Contains(t, p.body, `href="/builds/`+build.String()+`"`, "the current build is one click away")
	assert.Contains(t, p.body, `<span class="badge ok">running</span>`)
	assert.Contains(t, p.body, `<span class="badge warn">pending</span>`, "the staging deployment was never deployed")
	assert.Contains(t, p.body, `href="/teams/`+tm.ID.String()+`/projects/new"`)
	assert.Contains(t, p.body, `action="/teams/`+tm.ID.String()+`/rename"`)
	assert.Contains(t, p.body, `action="/teams/`+tm.ID.String()+`/delete" data-confirm=`)
	assert.Contains(t, p.body, `aria-current="page">Projects</a>`)

	p = b.get("/teams/" + empty.ID.String())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "This team has no projects yet. Create one with New project")

	assert.Equal(t, http.StatusNotFound, b.get("/teams/"+uuid.NewString()).status)
	assert.Equal(t, http.StatusNotFound, b.get("/teams/not-an-id").status)
}

func TestTeamRenameAndDeleteWithBadInputAndForgedPosts(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	ownerTok, owner := e.user(t, "owner@example.com", false)
	viewerTok, viewer := e.user(t, "viewer@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	e.join(t, owner, viewer, tm.ID, domain.RoleViewer)
	home := "/teams/" + tm.ID.String()

	// A viewer is offered neither rename, delete nor new project ...
	vb := e.browser(t)
	vcsrf := vb.signIn(viewerTok)
	p := vb.get(home)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `<span class="badge">viewer</span>`)
	assert.NotContains(t, p.body, "/rename")
	assert.NotContains(t, p.body, "/delete")
	assert.NotContains(t, p.body, "New project")
	assert.Contains(t, p.body, "A developer, admin or owner of the team can create one")
	// ... and forging them changes nothing.
	p = vb.after(vb.post(home+"/rename", url.Values{"name": {"Hijacked"}, websession.CSRFField: {vcsrf}}, home))
	assert.Contains(t, p.body, `role="alert"`)
	assert.Contains(t, p.body, "may not team.update")
	p = vb.after(vb.post(home+"/delete", url.Values{websession.CSRFField: {vcsrf}}, home))
	assert.Contains(t, p.body, "may not team.delete")
	got, err := e.Admin.GetTeam(ctx, owner, tm.ID)
	require.NoError(t, err)
	assert.Equal(t, "Job Agents", got.Name)

	ob := e.browser(t)
	csrf := ob.signIn(ownerTok)
	// Without the CSRF token: refused.
	assert.Equal(t, http.StatusForbidden, ob.post(home+"/rename", url.Values{"name": {"Other"}}, home).status)
	// An empty name: the form comes back with the reason, nothing changed.
	res := ob.post(home+"/rename", url.Values{"name": {"   "}, websession.CSRFField: {csrf}}, home)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, home, res.header.Get("Location"))
	p = ob.get(home)
	assert.Contains(t, p.body, "a team needs a name")
	assert.Contains(t, p.body, "<h1>Job Agents</h1>")

	p = ob.after(ob.post(home+"/rename", url.Values{"name": {"Job Agents EU"}, websession.CSRFField: {csrf}}, home))
	assert.Contains(t, p.body, "Team renamed to Job Agents EU.")
	assert.Contains(t, p.body, "<h1>Job Agents EU</h1>")

	res = ob.post(home+"/delete", url.Values{websession.CSRFField: {csrf}}, home)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/", res.header.Get("Location"))
	p = ob.get("/")
	assert.Contains(t, p.body, "Team Job Agents EU deleted")
	assert.Equal(t, http.StatusNotFound, ob.get(home).status)
}

func TestMembersPageManagesRolesAndInvites(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	ownerTok, owner := e.user(t, "owner@example.com", false)
	viewerTok, viewer := e.user(t, "viewer@example.com", false)
	_, dev := e.user(t, "dev@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	e.join(t, owner, viewer, tm.ID, domain.RoleViewer)
	e.join(t, owner, dev, tm.ID, domain.RoleDeveloper)
	members := "/teams/" + tm.ID.String() + "/members"
	roleOf := func(id uuid.UUID) domain.Role {
		ms, err := e.Admin.ListMembers(ctx, owner, tm.ID)
		require.NoError(t, err)
		for _, m := range ms {
			if m.UserID == id {
				return m.Role
			}
		}
		return ""
	}

	b := e.browser(t)
	csrf := b.signIn(ownerTok)
	p := b.get(members)
	require.Equal(t, http.StatusOK, p.status, p.body)
	for _, email := range []string{"owner@example.com", "viewer@example.com", "dev@example.com"} {
		assert.Contains(t, p.body, email)
	}
	assert.Contains(t, p.body, `action="/teams/`+tm.ID.String()+`/members/`+dev.UserID.String()+`/role"`)
	assert.Contains(t, p.body, `<label for="invite-email">Email</label>`)
	assert.Contains(t, p.body, `<option value="owner">owner</option>`, "an owner may give every role")
	assert.Contains(t, p.body, "accepted", "the accepted invites are listed")

	// Change a role.
	p = b.after(b.post(members+"/"+dev.UserID.String()+"/role", url.Values{"role": {"admin"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, "dev@example.com is now admin.")
	assert.Equal(t, domain.RoleAdmin, roleOf(dev.UserID))
	// An unknown role: a clear message, the role unchanged.
	p = b.after(b.post(members+"/"+dev.UserID.String()+"/role", url.Values{"role": {"boss"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, `role &#34;boss&#34;: must be viewer, developer, admin or owner`)
	assert.Equal(t, domain.RoleAdmin, roleOf(dev.UserID))

	// Invite: a bad email and an unknown role are refused with the reason and record nothing.
	p = b.after(b.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {"carol@"}, "role": {"developer"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, `email &#34;carol@&#34; is not a valid address`)
	p = b.after(b.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {"carol@example.com"}, "role": {"king"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, `role &#34;king&#34;`)
	p = b.after(b.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {""}, "role": {"viewer"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, "type the email address to invite")
	assert.NotContains(t, p.body, "carol@example.com", "no invite was recorded")

	p = b.after(b.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {"carol@example.com"}, "role": {"developer"}, websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, "Invite for carol@example.com as developer sent by email.")
	assert.NotContains(t, p.body, "inv_", "the invite link is for the invitee only")
	invites, err := e.Admin.ListInvites(ctx, owner, tm.ID)
	require.NoError(t, err)
	require.Equal(t, "carol@example.com", invites[0].Email)
	revoke := "/teams/" + tm.ID.String() + "/invites/" + invites[0].ID.String() + "/revoke"
	assert.Contains(t, p.body, `action="`+revoke+`"`)

	// The viewer sees the members, but no controls, and forging them fails.
	vb := e.browser(t)
	vcsrf := vb.signIn(viewerTok)
	p = vb.get(members)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "dev@example.com")
	assert.NotContains(t, p.body, "/role\"")
	assert.NotContains(t, p.body, "invite-email")
	assert.NotContains(t, p.body, "Revoke")
	assert.NotContains(t, p.body, "carol@example.com", "viewers do not see invites")
	assert.Contains(t, p.body, "Leave team")
	p = vb.after(vb.post(members+"/"+dev.UserID.String()+"/role", url.Values{"role": {"viewer"}, websession.CSRFField: {vcsrf}}, members))
	assert.Contains(t, p.body, `role="alert"`)
	assert.Equal(t, domain.RoleAdmin, roleOf(dev.UserID))
	p = vb.after(vb.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {"eve@example.com"}, "role": {"owner"}, websession.CSRFField: {vcsrf}}, members))
	assert.Contains(t, p.body, "may not members.manage")
	p = vb.after(vb.post(revoke, url.Values{websession.CSRFField: {vcsrf}}, members))
	assert.Contains(t, p.body, "may not members.manage")
	p = vb.after(vb.post(members+"/"+dev.UserID.String()+"/remove", url.Values{websession.CSRFField: {vcsrf}}, members))
	assert.Contains(t, p.body, "may not remove")
	assert.Equal(t, domain.RoleAdmin, roleOf(dev.UserID))

	// The owner revokes the invite and removes a member; the viewer leaves.
	p = b.after(b.post(revoke, url.Values{websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, "Invite revoked.")
	assert.Contains(t, p.body, "revoked")
	p = b.after(b.post(members+"/"+dev.UserID.String()+"/remove", url.Values{websession.CSRFField: {csrf}}, members))
	assert.Contains(t, p.body, "Member removed.")
	assert.Empty(t, roleOf(dev.UserID))
	res := vb.post(members+"/"+viewer.UserID.String()+"/remove", url.Values{websession.CSRFField: {vcsrf}}, members)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/", res.header.Get("Location"))
	assert.Contains(t, vb.get("/").body, "You left the team.")
	assert.Empty(t, roleOf(viewer.UserID))
}

func TestAdminMayNotGiveOrTakeOwnership(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	_, owner := e.user(t, "owner@example.com", false)
	adminTok, admin := e.user(t, "admin@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)
	e.join(t, owner, admin, tm.ID, domain.RoleAdmin)
	members := "/teams/" + tm.ID.String() + "/members"

	b := e.browser(t)
	b.signIn(adminTok)
	p := b.get(members)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `<option value="admin">admin</option>`)
	assert.NotContains(t, p.body, `<option value="owner"`, "an admin cannot give the owner role")
	assert.NotContains(t, p.body, `/members/`+owner.UserID.String()+`/role`, "nor change an owner's")
	assert.NotContains(t, p.body, `/members/`+owner.UserID.String()+`/remove`)
}

func TestInviteAcceptFlowForASecondUser(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	ownerTok, owner := e.user(t, "owner@example.com", false)
	bobTok, _ := e.user(t, "bob@example.com", false)
	malloryTok, _ := e.user(t, "mallory@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Job Agents"})
	require.NoError(t, err)

	ob := e.browser(t)
	csrf := ob.signIn(ownerTok)
	members := "/teams/" + tm.ID.String() + "/members"
	ob.after(ob.post("/teams/"+tm.ID.String()+"/invites", url.Values{"email": {"bob@example.com"}, "role": {"developer"}, websession.CSRFField: {csrf}}, members))
	link := e.mail.linkFor(t, "bob@example.com")
	require.True(t, strings.HasPrefix(link, "/invites/inv_"), link)

	// Signed out: sign in, then back to the invite.
	bb := e.browser(t)
	res := bb.get(link)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/sign-in?next="+url.QueryEscape(link), res.header.Get("Location"))
	res = bb.post("/sign-in", url.Values{"token": {bobTok}, "next": {link}}, "/sign-in?next="+url.QueryEscape(link))
	require.Equal(t, http.StatusSeeOther, res.status)
	require.Equal(t, link, res.header.Get("Location"))
	p := bb.get(link)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Invitation to Job Agents")
	assert.Contains(t, p.body, `<span class="badge">developer</span>`)
	assert.Contains(t, p.body, `<span class="badge warn">pending</span>`)
	assert.Contains(t, p.body, `action="`+link+`/accept"`)
	assert.Contains(t, p.body, "Accept invite")

	// Someone else holding the link is told it is not theirs, and cannot take it.
	mb := e.browser(t)
	mcsrf := mb.signIn(malloryTok)
	p = mb.get(link)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "sent to another email address")
	assert.NotContains(t, p.body, "Accept invite")
	assert.NotContains(t, p.body, "bob@example.com", "the addressee is not shown to others")
	p = mb.after(mb.post(link+"/accept", url.Values{websession.CSRFField: {mcsrf}}, link))
	assert.Contains(t, p.body, "this invite is for another email address")

	// Bob accepts: to the team's home, as a developer.
	p = bb.get(link)
	res = bb.post(link+"/accept", url.Values{websession.CSRFField: {csrfOf(t, p.body)}}, link)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/teams/"+tm.ID.String(), res.header.Get("Location"))
	p = bb.get(res.header.Get("Location"))
	assert.Contains(t, p.body, "You joined Job Agents as developer.")
	assert.Contains(t, p.body, `<span class="badge">developer</span>`)
	assert.Contains(t, p.body, "New project", "developers create projects")

	p = bb.get(link)
	assert.Contains(t, p.body, "You are already a member of this team.")
	assert.NotContains(t, p.body, "Accept invite")
	p = bb.after(bb.post(link+"/accept", url.Values{websession.CSRFField: {csrfOf(t, p.body)}}, link))
	assert.Contains(t, p.body, "already")

	assert.Contains(t, ob.get(members).body, "bob@example.com")
	assert.Equal(t, http.StatusNotFound, bb.get("/invites/inv_nonsense").status)
}

func TestAuditPagesOlderAndNewerAndExportsThroughTheSession(t *testing.T) {
	t.Parallel()
	e := startTeams(t)
	ctx := context.Background()
	ownerTok, owner := e.user(t, "owner@example.com", false)
	viewerTok, viewer := e.user(t, "viewer@example.com", false)
	tm, err := e.Admin.CreateTeam(ctx, owner, commands.CreateTeamInput{Name: "Name 0"})
	require.NoError(t, err)
	e.join(t, owner, viewer, tm.ID, domain.RoleViewer) // 3 entries: invited, accepted, member added
	for i := 1; i <= 60; i++ {
		name := fmt.Sprintf("Name %d", i)
		_, err := e.Admin.UpdateTeam(ctx, owner, tm.ID, commands.UpdateTeamInput{Name: &name})
		require.NoError(t, err)
	}
	e.CaughtUp(t)
	audit := "/teams/" + tm.ID.String() + "/audit"

	b := e.browser(t)
	b.signIn(ownerTok)
	p := b.get(audit)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "name=Name 60", "newest first")
	assert.Contains(t, p.body, "name=Name 11")
	assert.NotContains(t, p.body, "name=Name 10", "a page holds 50 entries")
	assert.Equal(t, 50, strings.Count(p.body, "<details>"))
	assert.Contains(t, p.body, "owner@example.com", "actors are shown by email")
	assert.NotContains(t, p.body, "← Newer", "the newest page has no newer one")
	older := linkIn(t, p.body, "Older →")

	p = b.get(older)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "name=Name 10")
	assert.Contains(t, p.body, "team.TeamCreated")
	assert.NotContains(t, p.body, "name=Name 11")
	assert.NotContains(t, p.body, "Older →", "the oldest page has no older one")
	newer := linkIn(t, p.body, "← Newer")
	p = b.get(newer)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "name=Name 11", "the 50 entries after the older page")
	assert.Contains(t, p.body, "name=Name 60")
	assert.NotContains(t, p.body, "name=Name 10")
	assert.NotContains(t, p.body, "← Newer", "nothing newer than these")
	assert.Equal(t, older, linkIn(t, p.body, "Older →"))

	p = b.get(audit + "?before=abc")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `before &#34;abc&#34; must be a position`)

	// The export box and its download through the session.
	p = b.get(audit)
	assert.Contains(t, p.body, "mastra-admin audit verify audit.jsonl")
	assert.Contains(t, p.body, "mastra-admin audit export --team "+tm.ID.String())
	export := "/api/audit/export?teamId=" + tm.ID.String()
	assert.Contains(t, p.body, `href="/api/audit/export?teamId=`+tm.ID.String()+`"`)
	res := b.get(export)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "application/x-ndjson", res.header.Get("Content-Type"))
	assert.True(t, strings.Contains(res.body, `"eventType":"team.TeamRenamed"`), "the export holds the team's entries")

	// Viewers may not read the audit log: said so, and no export offered.
	vb := e.browser(t)
	vb.signIn(viewerTok)
	p = vb.get(audit)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Only the team's admins and owners can read its audit log.")
	assert.NotContains(t, p.body, "team.TeamRenamed")
	assert.NotContains(t, p.body, "/api/audit/export")
	assert.Equal(t, http.StatusForbidden, vb.get(export).status)
}

// linkIn returns the href of the link whose text ends with label.
func linkIn(t *testing.T, body, label string) string {
	t.Helper()
	i := strings.Index(body, label+"</a>")
	require.GreaterOrEqual(t, i, 0, "no link %q", label)
	start := strings.LastIndex(body[:i], `href="`)
	require.GreaterOrEqual(t, start, 0)
	href := body[start+len(`href="`):]
	return strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
}
