package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

// talker is a Builder that writes a line each time the test asks, and
// ends when the test closes more.
type talker struct{ more chan string }

func (b talker) Build(ctx context.Context, _ build.Job, log io.Writer) (string, error) {
	for {
		select {
		case line, ok := <-b.more:
			if !ok {
				return "/bundle", nil
			}
			fmt.Fprint(log, line)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

func dial(t *testing.T, e *apiEnv, path, token string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + token}}
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.srv.URL, "http")+path, h)
}

func TestBuildLogStreamsLiveOverWebSocket(t *testing.T) {
	t.Parallel()
	b := talker{more: make(chan string)}
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) {
		c.Worker = commands.WorkerConfig{ID: "ws", Builder: b, Poll: 20 * time.Millisecond}
	})
	alice, mallory := e.token(t, "alice@example.com", false), e.token(t, "mallory@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Logs"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/projects", alice, strings.NewReader(sourceBody("Math", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/projects/"+res.json(t)["id"].(string)+"/deployments", alice, strings.NewReader(`{"type":"staging"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/deployments/"+res.json(t)["id"].(string)+"/deploy", alice, nil)
	require.Equal(t, http.StatusAccepted, res.status, string(res.body))
	id := res.json(t)["id"].(string)
	stream := "/api/builds/" + id + "/logs/stream"
	ready := "artifact " + commands.ArtifactID(uuid.MustParse(id)).String() + " ready; deploying"

	_, resp, err := dial(t, e, stream, mallory)
	require.Error(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "an outsider learns nothing")
	_, resp, err = dial(t, e, stream+"?from=-1", alice)
	require.Error(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	conn, _, err := dial(t, e, stream, alice)
	require.NoError(t, err)
	defer conn.Close()
	read := func() string {
		t.Helper()
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
		_, msg, err := conn.ReadMessage()
		require.NoError(t, err)
		return string(msg)
	}
	assert.Contains(t, read(), "build "+id+" of deployment", "the worker's first line")
	b.more <- "step one\n"
	assert.Equal(t, "step one", read(), "sent while the build runs")
	b.more <- "half a "
	b.more <- "line\n"
	assert.Equal(t, "half a line", read(), "a line goes out whole")
	close(b.more)
	assert.Equal(t, ready, read())
	// The pipeline ended, the build did not (it is deploying; no server
	// runs in this test): the stream stays open until the build's
	// terminal event, here its cancellation.
	res = e.do(t, "POST", "/api/builds/"+id+"/cancel", alice, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, _, err = conn.ReadMessage()
	assert.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "closed normally once the build ended: %v", err)

	// Later, from line 1: the rest of the log, then the close.
	conn2, _, err := dial(t, e, stream+"?from=1", alice)
	require.NoError(t, err)
	defer conn2.Close()
	var lines []string
	for {
		require.NoError(t, conn2.SetReadDeadline(time.Now().Add(10*time.Second)))
		_, msg, err := conn2.ReadMessage()
		if err != nil {
			assert.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "%v", err)
			break
		}
		lines = append(lines, string(msg))
	}
	assert.Equal(t, []string{"step one", "half a line", ready}, lines)
	logs := e.do(t, "GET", "/api/builds/"+id+"/logs", alice, nil)
	assert.True(t, strings.HasSuffix(string(logs.body), "step one\nhalf a line\n"+ready+"\n"), string(logs.body))
}

// A browser may open the log stream only from a dashboard origin; a client
// that sends no Origin (the CLI) always may.
func TestBuildLogStreamChecksOrigin(t *testing.T) {
	t.Parallel()
	b := talker{more: make(chan string)}
	defer close(b.more)
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) {
		c.Worker = commands.WorkerConfig{ID: "ws-origin", Builder: b, Poll: 20 * time.Millisecond}
	})
	api, err := httpapi.New(httpapi.Config{Admin: e.Admin, Readiness: e.App, Logger: logrus.NewEntry(e.Log),
		DashboardOrigins: []string{"https://admin.example.com", "http://localhost:3001"}})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Origins"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/projects", alice, strings.NewReader(sourceBody("Math", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/projects/"+res.json(t)["id"].(string)+"/deployments", alice, strings.NewReader(`{"type":"staging"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/deployments/"+res.json(t)["id"].(string)+"/deploy", alice, nil)
	require.Equal(t, http.StatusAccepted, res.status, string(res.body))
	stream := "/api/builds/" + res.json(t)["id"].(string) + "/logs/stream"
	wsURL := func(s *httptest.Server) string { return "ws" + strings.TrimPrefix(s.URL, "http") + stream }

	dialFrom := func(origin ...string) (*http.Response, error) {
		h := http.Header{"Authorization": {"Bearer " + alice}}
		if len(origin) > 0 {
			h["Origin"] = origin
		}
		conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv), h)
		if err == nil {
			conn.Close()
		}
		return resp, err
	}
	for _, foreign := range [][]string{{"https://evil.example.com"}, {"null"}, {"https://admin.example.com.evil.io"},
		{"http://admin.example.com"}, {"http://localhost:3002"}, {"https://admin.example.com", "https://evil.example.com"}} {
		resp, err := dialFrom(foreign...)
		require.Error(t, err, "origin %v", foreign)
		require.NotNil(t, resp)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "origin %v", foreign)
		body, _ := io.ReadAll(resp.Body)
		r := response{status: resp.StatusCode, body: body}
		assert.Equal(t, "permission_denied", r.errorCode(t), "origin %v", foreign)
		assert.Contains(t, r.errorMessage(t), "MASTRA_ADMIN_DASHBOARD_ORIGIN")
	}
	for _, ok := range [][]string{{"https://admin.example.com"}, {"HTTPS://Admin.Example.COM"}, {"https://admin.example.com:443"},
		{"http://localhost:3001"}, nil} {
		resp, err := dialFrom(ok...)
		require.NoError(t, err, "origin %v", ok)
		assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	}

	// A foreign origin learns nothing, not even whether a build exists.
	missing := "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/builds/" + uuid.NewString() + "/logs/stream"
	_, resp, err := websocket.DefaultDialer.Dial(missing, http.Header{"Authorization": {"Bearer " + alice}, "Origin": {"https://evil.example.com"}})
	require.Error(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	_, resp, err = websocket.DefaultDialer.Dial(missing, http.Header{"Authorization": {"Bearer " + alice}, "Origin": {"https://admin.example.com"}})
	require.Error(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	// The server without dashboard origins takes no browser at all.
	_, resp, err = websocket.DefaultDialer.Dial(wsURL(e.srv), http.Header{"Authorization": {"Bearer " + alice}, "Origin": {"http://localhost:3001"}})
	require.Error(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestDashboardOriginsAreValidated(t *testing.T) {
	t.Parallel()
	_, err := httpapi.New(httpapi.Config{Admin: &commands.Admin{}, Readiness: nil, Logger: logrus.NewEntry(logrus.New()),
		DashboardOrigins: []string{"admin.example.com"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `httpapi: dashboard origin "admin.example.com"`)
}
