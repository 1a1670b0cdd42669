package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// outbox keeps the invite emails the server would have sent.
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

// tokenFor returns the invite token of the last mail to email.
func (o *outbox) tokenFor(t *testing.T, email string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.mails) - 1; i >= 0; i-- {
		if o.mails[i].To == email {
			u := o.mails[i].AcceptURL
			return u[strings.Index(u, "/invites/")+len("/invites/"):]
		}
	}
	t.Fatalf("no invite mail to %s", email)
	return ""
}

type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestInviteFlowOverHTTP(t *testing.T) {
	t.Parallel()
	mail := &outbox{}
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Microsecond)}
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.Mailer, c.Commands.Clock, c.Commands.PublicURL = mail, clock, "http://admin.example"
	})
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &apiEnv{Env: env, srv: srv}

	alice, bob, carol, dave, mallory := e.token(t, "alice@example.com", false), e.token(t, "bob@example.com", false),
		e.token(t, "carol@example.com", false), e.token(t, "dave@example.com", false), e.token(t, "mallory@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Acme"}`))
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	me := func(tok string) string {
		return e.do(t, "GET", "/api/me", tok, nil).json(t)["user"].(map[string]any)["id"].(string)
	}

	// Invite and accept.
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice, strings.NewReader(`{"email":"Bob@Example.com","role":"developer"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "sent", res.json(t)["delivery"])
	assert.Equal(t, "pending", res.json(t)["status"])
	assert.NotContains(t, string(res.body), "inv_", "the inviter never sees the token")
	bobToken := mail.tokenFor(t, "bob@example.com")
	assert.True(t, strings.HasPrefix(mail.mails[0].AcceptURL, "http://admin.example/invites/inv_"), "the dashboard's accept page")

	res = e.do(t, "POST", "/api/invites/"+bobToken+"/accept", mallory, nil)
	assert.Equal(t, http.StatusForbidden, res.status, "another user cannot take bob's invite: %s", res.body)
	res = e.do(t, "POST", "/api/invites/"+bobToken+"/accept", bob, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "developer", res.json(t)["role"])
	res = e.do(t, "POST", "/api/invites/"+bobToken+"/accept", bob, nil)
	assert.Equal(t, http.StatusConflict, res.status, "an invite is used once")
	res = e.do(t, "POST", "/api/invites/inv_nonsense/accept", bob, nil)
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Len(t, e.do(t, "GET", "/api/teams/"+team+"/members", bob, nil).json(t)["members"], 2)

	// A revoked invite cannot be accepted.
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice, strings.NewReader(`{"email":"carol@example.com","role":"viewer"}`))
	require.Equal(t, http.StatusCreated, res.status)
	carolInvite := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice, strings.NewReader(`{"email":"carol@example.com","role":"viewer"}`))
	assert.Equal(t, http.StatusConflict, res.status, "one pending invite per email")
	res = e.do(t, "DELETE", "/api/teams/"+team+"/invites/"+carolInvite, bob, nil)
	assert.Equal(t, http.StatusForbidden, res.status, "developers do not manage invites")
	res = e.do(t, "DELETE", "/api/teams/"+team+"/invites/"+carolInvite, alice, nil)
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	res = e.do(t, "POST", "/api/invites/"+mail.tokenFor(t, "carol@example.com")+"/accept", carol, nil)
	assert.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.errorMessage(t), "revoked")

	// An invite's expiry: 7 days unless given, at most 30 days ahead.
	for name, at := range map[string]time.Time{"past": clock.Now().Add(-time.Minute), "too far": clock.Now().Add(31 * 24 * time.Hour)} {
		res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice,
			strings.NewReader(`{"email":"erin@example.com","role":"viewer","expiresAt":"`+at.Format(time.RFC3339)+`"}`))
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
	}
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice, strings.NewReader(`{"email":"erin@example.com","role":"viewer","expiresAt":"`+
		clock.Now().Add(24*time.Hour).Format(time.RFC3339)+`"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	erinExpires, err := time.Parse(time.RFC3339, res.json(t)["expiresAt"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, clock.Now().Add(24*time.Hour), erinExpires, time.Second)

	// An expired invite cannot be accepted.
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", alice, strings.NewReader(`{"email":"dave@example.com","role":"admin"}`))
	require.Equal(t, http.StatusCreated, res.status)
	daveExpires, err := time.Parse(time.RFC3339, res.json(t)["expiresAt"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, clock.Now().Add(7*24*time.Hour), daveExpires, time.Second, "7 days by default")
	clock.advance(7*24*time.Hour + time.Second)
	res = e.do(t, "POST", "/api/invites/"+mail.tokenFor(t, "dave@example.com")+"/accept", dave, nil)
	assert.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.errorMessage(t), "expired")
	statuses := map[string]string{}
	for _, inv := range e.do(t, "GET", "/api/teams/"+team+"/invites", alice, nil).json(t)["invites"].([]any) {
		m := inv.(map[string]any)
		statuses[m["email"].(string)] = m["status"].(string)
	}
	assert.Equal(t, map[string]string{"bob@example.com": "accepted", "carol@example.com": "revoked", "dave@example.com": "expired",
		"erin@example.com": "expired"}, statuses)

	// Roles and the last owner.
	bobID, aliceID := me(bob), me(alice)
	res = e.do(t, "PATCH", "/api/teams/"+team+"/members/"+bobID, bob, strings.NewReader(`{"role":"owner"}`))
	assert.Equal(t, http.StatusForbidden, res.status, "a developer cannot promote himself")
	res = e.do(t, "PATCH", "/api/teams/"+team+"/members/"+aliceID, alice, strings.NewReader(`{"role":"admin"}`))
	assert.Equal(t, http.StatusConflict, res.status, "the last owner cannot be demoted")
	res = e.do(t, "DELETE", "/api/teams/"+team+"/members/"+aliceID, alice, nil)
	assert.Equal(t, http.StatusConflict, res.status, "the last owner cannot leave")
	res = e.do(t, "PATCH", "/api/teams/"+team+"/members/"+bobID, alice, strings.NewReader(`{"role":"owner"}`))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "owner", res.json(t)["role"])
	res = e.do(t, "DELETE", "/api/teams/"+team+"/members/"+aliceID, alice, nil)
	require.Equal(t, http.StatusNoContent, res.status, "with another owner, alice may leave")
	res = e.do(t, "GET", "/api/teams/"+team, alice, nil)
	assert.Equal(t, http.StatusNotFound, res.status, "after leaving, the team is invisible")

	// Outsiders and bad input.
	res = e.do(t, "POST", "/api/teams/"+team+"/invites", mallory, strings.NewReader(`{"email":"x@example.com","role":"viewer"}`))
	assert.Equal(t, http.StatusNotFound, res.status)
	for _, body := range []string{`{"email":"not-an-email","role":"viewer"}`, `{"email":"x@example.com","role":"god"}`, `{"email":"x@example.com"}`} {
		res = e.do(t, "POST", "/api/teams/"+team+"/invites", bob, strings.NewReader(body))
		assert.Equal(t, http.StatusBadRequest, res.status, body)
	}
	res = e.do(t, "PATCH", "/api/teams/"+team+"/members/"+bobID, bob, strings.NewReader(`{"role":"emperor"}`))
	assert.Equal(t, http.StatusBadRequest, res.status)

	env.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)
}
