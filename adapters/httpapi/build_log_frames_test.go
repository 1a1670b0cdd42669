package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

// runningBuild starts a build whose builder is b and returns its ID and
// alice's and an outsider's tokens.
func runningBuild(t *testing.T, b talker, worker string) (e *apiEnv, id, alice, mallory string) {
	t.Helper()
	base := projectsDir(t)
	e = startWithSources(t, base, func(c *app.Config) {
		c.Worker = commands.WorkerConfig{ID: worker, Builder: b, Poll: 20 * time.Millisecond}
	})
	alice, mallory = e.token(t, "alice@example.com", false), e.token(t, "mallory@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Logs"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/projects", alice, strings.NewReader(sourceBody("Math", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/projects/"+res.json(t)["id"].(string)+"/deployments", alice, strings.NewReader(`{"type":"staging"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/deployments/"+res.json(t)["id"].(string)+"/deploy", alice, nil)
	require.Equal(t, http.StatusAccepted, res.status, string(res.body))
	return e, res.json(t)["id"].(string), alice, mallory
}

// numbered returns lines "line <from>" to "line <to-1>", each ending in a
// newline.
func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

// frames is a client of a log stream in frames.
type frames struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialFrames(t *testing.T, e *apiEnv, id, token string, from int) *frames {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{httpapi.LogStreamProtocol}}
	conn, resp, err := d.Dial("ws"+strings.TrimPrefix(e.srv.URL, "http")+"/api/builds/"+id+"/logs/stream?from="+strconv.Itoa(from),
		http.Header{"Authorization": {"Bearer " + token}})
	require.NoError(t, err)
	require.Equal(t, httpapi.LogStreamProtocol, resp.Header.Get("Sec-WebSocket-Protocol"))
	t.Cleanup(func() { conn.Close() })
	return &frames{t: t, conn: conn}
}

// next reads a frame; a close is returned as an error.
func (f *frames) next() (httpapi.LogFrame, error) {
	f.t.Helper()
	require.NoError(f.t, f.conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, msg, err := f.conn.ReadMessage()
	if err != nil {
		return httpapi.LogFrame{}, err
	}
	var fr httpapi.LogFrame
	require.NoError(f.t, json.Unmarshal(msg, &fr), string(msg))
	return fr, nil
}

// linesUntil reads frames until it has lines up to line n (exclusive),
// checking that each frame starts where the last one ended.
func (f *frames) linesUntil(first, n int) []string {
	f.t.Helper()
	var lines []string
	for first+len(lines) < n {
		fr, err := f.next()
		require.NoError(f.t, err)
		require.Equal(f.t, "lines", fr.Type)
		require.Equal(f.t, first+len(lines), fr.From, "each frame starts where the last ended")
		lines = append(lines, fr.Lines...)
	}
	return lines
}

func TestBuildLogStreamInFrames(t *testing.T) {
	t.Parallel()
	b := talker{more: make(chan string)}
	e, id, alice, _ := runningBuild(t, b, "frames")
	ready := "artifact " + commands.ArtifactID(uuid.MustParse(id)).String() + " ready; deploying"

	f := dialFrames(t, e, id, alice, 0)
	first := f.linesUntil(0, 1)
	assert.Contains(t, first[0], "build "+id+" of deployment", "the worker's first line")
	b.more <- numbered(1, 2501)
	lines := f.linesUntil(1, 2501)
	assert.Equal(t, strings.Split(strings.TrimSuffix(numbered(1, 2501), "\n"), "\n"), lines)

	// Through a quiet stretch, the client's ping is answered.
	require.NoError(t, f.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`)))
	fr, err := f.next()
	require.NoError(t, err)
	assert.Equal(t, "pong", fr.Type)
	require.NoError(t, f.conn.WriteMessage(websocket.TextMessage, []byte(`not json: ignored`)))
	b.more <- "bad \xff byte\n"
	assert.Equal(t, []string{"bad \uFFFD byte"}, f.linesUntil(2501, 2502), "a line that is not UTF-8 does not break a browser's socket")

	// A client that reconnects from the line after its last one gets the
	// rest and no line twice, then the end with the log's line count.
	f2 := dialFrames(t, e, id, alice, 2000)
	again := f2.linesUntil(2000, 2502)
	assert.Equal(t, "line 2000", again[0])
	assert.Equal(t, lines[1999:], again[:len(again)-1])
	close(b.more)
	assert.Equal(t, []string{ready}, f2.linesUntil(2502, 2503))
	res := e.do(t, "POST", "/api/builds/"+id+"/cancel", alice, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	fr, err = f2.next()
	require.NoError(t, err)
	assert.Equal(t, httpapi.LogFrame{Type: "end", Status: "cancelled", Next: 2503}, fr)
	_, err = f2.next()
	assert.True(t, websocket.IsCloseError(err, websocket.CloseNormalClosure), "closed normally after the end: %v", err)

	// An ended build's log from storage: few large frames, then the end.
	f3 := dialFrames(t, e, id, alice, 3)
	stored := f3.linesUntil(3, 2503)
	assert.Equal(t, again[len(again)-1], stored[len(stored)-2])
	fr, err = f3.next()
	require.NoError(t, err)
	assert.Equal(t, "end", fr.Type)
	assert.Equal(t, 2503, fr.Next)

	// Past the end: no lines, the end.
	f4 := dialFrames(t, e, id, alice, 9999)
	fr, err = f4.next()
	require.NoError(t, err)
	assert.Equal(t, "end", fr.Type)
}

func TestBuildLogLines(t *testing.T) {
	t.Parallel()
	b := talker{more: make(chan string)}
	e, id, alice, mallory := runningBuild(t, b, "ranges")
	f := dialFrames(t, e, id, alice, 0)
	f.linesUntil(0, 1)
	b.more <- numbered(1, 3000)
	f.linesUntil(1, 3000)
	logs := "/api/builds/" + id + "/logs"

	get := func(query string) (string, []string) {
		t.Helper()
		res := e.do(t, "GET", logs+"?"+query, alice, nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Equal(t, "text/plain; charset=utf-8", res.header.Get("Content-Type"))
		body := string(res.body)
		if body == "" {
			return res.header.Get("X-Log-From"), nil
		}
		require.True(t, strings.HasSuffix(body, "\n"))
		return res.header.Get("X-Log-From"), strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	}
	// check reads ranges of the log, whose lines 1 to 2999 are "line N"
	// and which has n lines.
	check := func(n int) {
		t.Helper()
		from, lines := get("from=100&limit=3")
		assert.Equal(t, "100", from)
		assert.Equal(t, []string{"line 100", "line 101", "line 102"}, lines)
		from, lines = get("from=2990")
		assert.Equal(t, "2990", from)
		assert.Equal(t, strings.Split(strings.TrimSuffix(numbered(2990, 3000), "\n"), "\n"), lines[:10])
		assert.Equal(t, n-2990, len(lines), "fewer at the end")
		from, lines = get("tail=2")
		assert.Equal(t, strconv.Itoa(n-2), from)
		assert.Equal(t, fmt.Sprintf("line %d", n-2), lines[0])
		assert.Equal(t, 2, len(lines))
		from, lines = get("tail=5000")
		assert.Equal(t, "0", from, "a tail longer than the log is the whole log")
		assert.Equal(t, n, len(lines))
		from, lines = get("from=5000&limit=10")
		assert.Equal(t, "5000", from)
		assert.Empty(t, lines)
		from, lines = get("from=0&limit=1")
		assert.Equal(t, "0", from)
		assert.Contains(t, lines[0], "build "+id+" of deployment")
	}
	// While the build runs: lines a checkpoint kept in file storage (or
	// none yet) and the rest from the cache, numbered as one log.
	check(3000)
	// After a checkpoint (every 2 s), the same.
	time.Sleep(2500 * time.Millisecond)
	check(3000)
	close(b.more)
	res := e.do(t, "POST", "/api/builds/"+id+"/cancel", alice, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	require.Eventually(t, func() bool {
		_, lines := get("tail=1")
		return len(lines) == 1 && strings.HasPrefix(lines[0], "artifact ")
	}, 10*time.Second, 50*time.Millisecond, "the whole log")
	check(3001)

	for _, q := range []string{"from=-1", "from=x", "limit=0", "limit=10001", "tail=0", "tail=10001", "tail=5&from=1", "tail=5&limit=1", "from=1.5"} {
		res := e.do(t, "GET", logs+"?"+q, alice, nil)
		assert.Equal(t, http.StatusBadRequest, res.status, q)
		assert.Equal(t, "invalid_argument", res.errorCode(t), q)
	}
	res = e.do(t, "GET", logs+"?tail=5", mallory, nil)
	assert.Equal(t, http.StatusNotFound, res.status, "an outsider learns nothing")
}
