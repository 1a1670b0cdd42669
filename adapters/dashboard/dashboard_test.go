package dashboard_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// unreachable is the Workflows of a dashboard whose tests run no server:
// every call fails, as a deployment that cannot be reached does.
type unreachable struct{}

func (unreachable) List(context.Context, string) ([]dashboard.Workflow, error) {
	return nil, errors.New("no deployment is reachable in this test")
}

func (unreachable) Start(context.Context, string, string, json.RawMessage) (dashboard.WorkflowRun, error) {
	return dashboard.WorkflowRun{}, errors.New("no deployment is reachable in this test")
}

// dashEnv is an App serving the API and the dashboard as serve does.
type dashEnv struct {
	*apptest.Env
	srv *httptest.Server
}

func start(t *testing.T, tune ...func(*app.Config)) *dashEnv {
	t.Helper()
	env := apptest.Start(t, tune...)
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log, Workflows: unreachable{}})
	require.NoError(t, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	t.Cleanup(srv.Close)
	return &dashEnv{Env: env, srv: srv}
}

// token creates a user and returns an API token for them.
func (e *dashEnv) token(t *testing.T, email string, admin bool) string {
	t.Helper()
	u, err := e.Admin.EnsureUser(context.Background(), email, "", admin)
	require.NoError(t, err)
	tok, err := e.Admin.CreateToken(context.Background(), commands.System, u.ID, "test", nil)
	require.NoError(t, err)
	return tok.Token
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects (tests look at them).
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (e *dashEnv) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: e.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return page{status: res.StatusCode, body: string(body), header: res.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post submits a form from the page at from (its Referer).
func (b *browser) post(path string, form url.Values, from string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if from != "" {
		req.Header.Set("Referer", b.base+from)
	}
	return b.do(req)
}

// signIn signs in with token and returns the session's CSRF token.
func (b *browser) signIn(token string) string {
	b.t.Helper()
	p := b.post("/sign-in", url.Values{"token": {token}, "next": {"/"}}, "/sign-in")
	require.Equal(b.t, http.StatusSeeOther, p.status, p.body)
	home := b.get("/")
	require.Equal(b.t, http.StatusOK, home.status, home.body)
	return csrfOf(b.t, home.body)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfMeta.FindStringSubmatch(body)
	require.NotNil(t, m, "page has a csrf token")
	return m[1]
}
