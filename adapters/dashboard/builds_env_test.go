package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/buildlog"
	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// feeder is a Builder whose builds write what the test feeds them to
// their log (the log writer a real build writes to: lines go to the
// build-log cache at once and to file storage every checkpoint), and
// end, with an artifact, when the test closes the feed.
type feeder struct{ more chan string }

func (f feeder) Build(ctx context.Context, _ build.Job, log io.Writer) (string, error) {
	for {
		select {
		case s, ok := <-f.more:
			if !ok {
				return "/bundle", nil
			}
			_, _ = io.WriteString(log, s)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// numberedLines returns "line <from>" to "line <to-1>" (as the log numbers
// them, from 0), each ending in a newline, padded to width characters.
func numberedLines(from, to, width int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		s := fmt.Sprintf("line %d", i)
		if pad := width - len(s); pad > 0 {
			s += " " + strings.Repeat("·", pad-1)
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.String()
}

// conns tracks a listener's connections, so that a test can cut them all
// (WebSockets included: httptest forgets hijacked connections) or silence
// them.
type conns struct {
	net.Listener
	mu  sync.Mutex
	all map[*conn]bool
}

// conn is an accepted connection whose writes a test can silence: they
// are then dropped, as on a connection whose peer or path died without a
// word.
type conn struct {
	net.Conn
	silent atomic.Bool
}

func (c *conn) Write(p []byte) (int, error) {
	if c.silent.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *conns) Accept() (net.Conn, error) {
	nc, err := c.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &conn{Conn: nc}
	c.mu.Lock()
	c.all[tc] = true
	c.mu.Unlock()
	return tc, nil
}

// cut closes every connection accepted so far and reports how many.
func (c *conns) cut() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.all)
	for tc := range c.all {
		_ = tc.Close()
	}
	c.all = map[*conn]bool{}
	return n
}

// silence drops, from now on, what the server writes to every connection
// accepted so far (later ones are not touched) and reports how many.
func (c *conns) silence() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tc := range c.all {
		tc.silent.Store(true)
	}
	return len(c.all)
}

// buildInviteBox keeps the invites the app sends.
type buildInviteBox struct {
	mu   sync.Mutex
	urls []string
}

func (o *buildInviteBox) SendInvite(_ context.Context, m commands.InviteMail) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.urls = append(o.urls, m.AcceptURL)
	return nil
}

func (o *buildInviteBox) lastToken(t *testing.T) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	require.NotEmpty(t, o.urls)
	u := o.urls[len(o.urls)-1]
	token, _, _ := strings.Cut(u[strings.Index(u, commands.InvitePrefix):], "/")
	return token
}

// liveEnv serves the API and the dashboard as serve does, on a listener
// whose connections a test can cut, with the test server's origin as the
// dashboard origin (so a browser may open WebSockets), a build worker
// over a feeder, and a team (owned by the developer "dev") with a viewer,
// a project and a staging deployment.
type liveEnv struct {
	*dashEnv
	conns      *conns
	streams    *atomic.Int64 // requests for a log stream
	feed       feeder
	dev        commands.Principal
	devToken   string
	viewer     string // the viewer's token
	teamID     uuid.UUID
	projectID  uuid.UUID
	deployment uuid.UUID
}

func startLive(t *testing.T) *liveEnv {
	t.Helper()
	base := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(base, "math", "src", "mastra"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "math", "package.json"), []byte(`{"name":"math","dependencies":{"@mastra/core":"1"}}`), 0o644))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	feed := feeder{more: make(chan string)}
	mail := &buildInviteBox{}
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.Sources, c.Commands.Mailer = sources, mail
		c.Commands.LogCache = buildlog.NewMemory()
		c.Worker = commands.WorkerConfig{ID: "dash-" + uuid.NewString()[:8], Builder: feed, Poll: 20 * time.Millisecond}
	})
	srv := httptest.NewUnstartedServer(nil)
	cs := &conns{Listener: srv.Listener, all: map[*conn]bool{}}
	srv.Listener = cs
	origin := "http://" + cs.Addr().String()
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions,
		DashboardOrigins: []string{origin}})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log})
	require.NoError(t, err)
	var streams atomic.Int64
	front := dashboard.FrontDoor(api, dash)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/logs/stream") {
			streams.Add(1)
		}
		front.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { cs.cut() })
	e := &liveEnv{dashEnv: &dashEnv{Env: env, srv: srv}, conns: cs, feed: feed, streams: &streams}

	ctx := context.Background()
	e.devToken = e.token(t, "dev@example.com", false)
	e.dev, err = env.Admin.Authenticate(ctx, e.devToken)
	require.NoError(t, err)
	e.viewer = e.token(t, "viewer@example.com", false)
	viewer, err := env.Admin.Authenticate(ctx, e.viewer)
	require.NoError(t, err)
	tm, err := env.Admin.CreateTeam(ctx, e.dev, commands.CreateTeamInput{Name: "Log Watchers"})
	require.NoError(t, err)
	e.teamID = tm.ID
	_, err = env.Admin.InviteMember(ctx, e.dev, tm.ID, commands.InviteInput{Email: "viewer@example.com", Role: "viewer"})
	require.NoError(t, err)
	_, err = env.Admin.AcceptInvite(ctx, viewer, mail.lastToken(t))
	require.NoError(t, err)
	src, _ := json.Marshal(map[string]string{"path": filepath.Join(base, "math")})
	pr, err := env.Admin.CreateProject(ctx, e.dev, tm.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: src})
	require.NoError(t, err)
	e.projectID = pr.ID
	d, err := env.Admin.CreateDeployment(ctx, e.dev, pr.ID, commands.DeploymentInput{Type: deployment.Staging})
	require.NoError(t, err)
	e.deployment = d.ID
	return e
}

// deploy queues a build and waits until the worker runs it.
func (e *liveEnv) deploy(t *testing.T) uuid.UUID {
	t.Helper()
	b, err := e.Admin.Deploy(context.Background(), e.dev, e.deployment)
	require.NoError(t, err)
	e.waitStatus(t, b.ID, build.StatusBuilding)
	return b.ID
}

func (e *liveEnv) waitStatus(t *testing.T, id uuid.UUID, want build.Status) build.View {
	t.Helper()
	var v build.View
	require.Eventually(t, func() bool {
		var err error
		v, err = e.Admin.GetBuild(context.Background(), e.dev, id)
		require.NoError(t, err)
		return v.Status == want
	}, 15*time.Second, 10*time.Millisecond, "build %s never became %s", id, want)
	return v
}
