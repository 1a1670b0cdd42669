package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
