package local_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

// rawConn is a client connection written and read by hand.
type rawConn struct {
	net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &rawConn{Conn: c, br: bufio.NewReader(c)}
}

func (c *rawConn) send(t *testing.T, s string) {
	t.Helper()
	_, err := io.WriteString(c, s)
	require.NoError(t, err)
}

// response reads one response to a request of method, and its body.
func (c *rawConn) response(t *testing.T, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// closed reports whether the server closed c (a read ends with EOF).
func (c *rawConn) closed(t *testing.T) bool {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err := c.br.ReadByte()
	return err == io.EOF
}

func pathEcho() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path)
	})
}

func TestServerAnswersKeepAliveAndPipelinedRequestsInOrder(t *testing.T) {
	t.Parallel()
	rt := newRouter(t, local.Config{})
	require.NoError(t, rt.table.Set(route("app", backend(t, pathEcho()))))
	c := dialRaw(t, rt.addr)
	c.send(t, "GET /one HTTP/1.1\r\nHost: app.localhost\r\n\r\nGET /two HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
	for _, want := range []string{"GET /one", "GET /two"} {
		resp, body := c.response(t, "GET")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, want, body)
		assert.False(t, resp.Close)
		assert.NotEmpty(t, resp.Header.Get("Date"))
	}
	c.send(t, "GET /three HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n")
	resp, body := c.response(t, "GET")
	assert.Equal(t, "GET /three", body)
	assert.True(t, resp.Close, "Connection: close is answered in kind")
	assert.True(t, c.closed(t))
}

func TestServerFramesResponsesForHTTP10AndHEAD(t *testing.T) {
	t.Parallel()
	target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" { // no length: chunked from the target
			_, _ = io.WriteString(w, "part one,")
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "part two")
			return
		}
		w.Header().Set("Content-Length", "5")
		_, _ = io.WriteString(w, "hello")
	}))
	rt := newRouter(t, local.Config{})
	require.NoError(t, rt.table.Set(route("app", target)))

	t.Run("HTTP/1.0 keep-alive with a length", func(t *testing.T) {
		c := dialRaw(t, rt.addr)
		for i := 0; i < 2; i++ {
			c.send(t, "GET / HTTP/1.0\r\nHost: app.localhost\r\nConnection: keep-alive\r\n\r\n")
			resp, body := c.response(t, "GET")
			assert.Equal(t, "hello", body)
			assert.Equal(t, "keep-alive", resp.Header.Get("Connection"))
		}
	})
	t.Run("HTTP/1.0 without a length ends with the connection", func(t *testing.T) {
		c := dialRaw(t, rt.addr)
		c.send(t, "GET /stream HTTP/1.0\r\nHost: app.localhost\r\nConnection: keep-alive\r\n\r\n")
		resp, body := c.response(t, "GET")
		assert.Equal(t, "part one,part two", body)
		assert.Empty(t, resp.TransferEncoding)
		assert.True(t, resp.Close)
	})
	t.Run("HTTP/1.1 without a length is chunked", func(t *testing.T) {
		c := dialRaw(t, rt.addr)
		c.send(t, "GET /stream HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
		resp, body := c.response(t, "GET")
		assert.Equal(t, "part one,part two", body)
		assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
		assert.False(t, resp.Close)
	})
	t.Run("HEAD keeps the length and sends no body", func(t *testing.T) {
		c := dialRaw(t, rt.addr)
		c.send(t, "HEAD / HTTP/1.1\r\nHost: app.localhost\r\n\r\nGET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
		resp, body := c.response(t, "HEAD")
		assert.Equal(t, "5", resp.Header.Get("Content-Length"))
		assert.Empty(t, body)
		_, body = c.response(t, "GET")
		assert.Equal(t, "hello", body, "the next answer follows the head directly")
	})
}

func TestServerRefusesRequestsItCannotTake(t *testing.T) {
	t.Parallel()
	rt, _, _ := newServedRouter(t, local.Config{}, local.ServerConfig{MaxHeaderBytes: 1024})
	require.NoError(t, rt.table.Set(route("app", backend(t, pathEcho()))))
	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"no Host", "GET / HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"a bad Host", "GET / HTTP/1.1\r\nHost: app.localhost/x\r\n\r\n", http.StatusBadRequest},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: app.localhost\r\nhost: other.localhost\r\n\r\n", http.StatusBadRequest},
		{"a header name with a space", "GET / HTTP/1.1\r\nHost: app.localhost\r\nX Y: z\r\n\r\n", http.StatusBadRequest},
		{"not HTTP", "hello\r\n\r\n", http.StatusBadRequest},
		{"HTTP/2", "GET / HTTP/2.0\r\nHost: app.localhost\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"an unknown expectation", "GET / HTTP/1.1\r\nHost: app.localhost\r\nExpect: magic\r\n\r\n", http.StatusExpectationFailed},
		{"a head too large", "GET / HTTP/1.1\r\nHost: app.localhost\r\nX-Big: " + strings.Repeat("b", 8000) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
		{"an unknown transfer coding", "POST / HTTP/1.1\r\nHost: app.localhost\r\nTransfer-Encoding: gzip\r\n\r\n", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, rt.addr)
			c.send(t, tc.req)
			resp, _ := c.response(t, "GET")
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.True(t, c.closed(t), "the connection closes")
		})
	}
	t.Run("a valid request still passes", func(t *testing.T) {
		c := dialRaw(t, rt.addr)
		c.send(t, "GET /ok HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
		_, body := c.response(t, "GET")
		assert.Equal(t, "GET /ok", body)
	})
}

func TestServerSendsContinueBeforeTheBody(t *testing.T) {
	t.Parallel()
	rt := newRouter(t, local.Config{})
	require.NoError(t, rt.table.Set(route("app", backend(t, echo("app")))))
	c := dialRaw(t, rt.addr)
	c.send(t, "POST /up HTTP/1.1\r\nHost: app.localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	resp, err := http.ReadResponse(c.br, &http.Request{Method: "POST"})
	require.NoError(t, err)
	require.Equal(t, http.StatusContinue, resp.StatusCode, "100 Continue comes before the body is sent")
	c.send(t, "hello")
	resp, body := c.response(t, "POST")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `"body":"hello"`)
	assert.NotContains(t, body, "Expect", "the expectation is the router's, not passed on")
}

func TestServerDropsAnUnreadBodyOrTheConnection(t *testing.T) {
	t.Parallel()
	rt := newRouter(t, local.Config{})
	c := dialRaw(t, rt.addr)
	// Unknown route: the body is never read, but it is small, so the
	// connection carries on.
	c.send(t, "POST / HTTP/1.1\r\nHost: nope.localhost\r\nContent-Length: 4\r\n\r\nbody")
	resp, _ := c.response(t, "POST")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	c.send(t, "GET / HTTP/1.1\r\nHost: nope.localhost\r\n\r\n")
	resp, _ = c.response(t, "GET")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.False(t, resp.Close)

	// A body too large to skip ends the connection after the answer.
	big := strings.Repeat("x", 300<<10)
	go func() {
		_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: nope.localhost\r\nContent-Length: 307200\r\n\r\n"+big)
	}()
	resp, _ = c.response(t, "POST")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.True(t, c.closed(t))
}

// A client that goes away while the target has not answered yet, or
// while it streams and has nothing to send: the router drops its
// connection to the target, which sees its request cancelled.
func TestTheTargetRequestEndsWhenTheClientGoes(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		for _, stream := range []bool{false, true} {
			started, cancelled := make(chan struct{}), make(chan struct{})
			target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if stream {
					w.Header().Set("Content-Type", "text/event-stream")
					_, _ = io.WriteString(w, "data: first\n\n")
					w.(http.Flusher).Flush()
				}
				close(started)
				<-r.Context().Done() // the router closed its connection
				close(cancelled)
			}))
			rt := newRouter(t, local.Config{})
			require.NoError(t, rt.table.Set(route("slow", target)))
			c := dialRaw(t, rt.addr)
			c.send(t, "GET / HTTP/1.1\r\nHost: slow.localhost\r\n\r\n")
			<-started
			if stream {
				resp, err := http.ReadResponse(c.br, nil)
				require.NoError(t, err)
				line, err := bufio.NewReader(resp.Body).ReadString('\n')
				require.NoError(t, err)
				require.Equal(t, "data: first\n", line)
			}
			require.NoError(t, c.Close())
			select {
			case <-cancelled:
			case <-time.After(10 * time.Second):
				t.Fatalf("stream %v: the target's request was not cancelled after the client went away", stream)
			}
		}
	})
}

// A WebSocket whose target takes longer to switch than the router waits
// before it watches the client: the watch ends before the hijack, and no
// byte the client sent is lost.
func TestASlowWebSocketHandshakeLosesNoByte(t *testing.T) {
	t.Parallel()
	up := websocket.Upgrader{}
	target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // past the watch's start
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	}))
	rt := newRouter(t, local.Config{})
	require.NoError(t, rt.table.Set(route("ws", target)))
	c, _, err := websocket.DefaultDialer.Dial("ws://"+rt.addr+"/ws/", nil)
	require.NoError(t, err)
	defer c.Close()
	for i := 0; i < 3; i++ {
		msg := strings.Repeat("m", i+1)
		require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte(msg)))
		_, got, err := c.ReadMessage()
		require.NoError(t, err)
		assert.Equal(t, msg, string(got))
	}
}

func TestServerShutdownFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		_, _ = io.WriteString(w, "done")
	}))
	rt, srv, served := newServedRouter(t, local.Config{}, local.ServerConfig{})
	require.NoError(t, rt.table.Set(route("app", target)))

	idle := dialRaw(t, rt.addr)
	idle.send(t, "GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
	_, body := idle.response(t, "GET")
	require.Equal(t, "done", body)

	busy := dialRaw(t, rt.addr)
	busy.send(t, "GET /slow HTTP/1.1\r\nHost: app.localhost\r\n\r\n")
	<-started
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	require.ErrorIs(t, <-served, http.ErrServerClosed)
	assert.True(t, idle.closed(t), "an idle connection is closed at once")
	assert.Empty(t, shut, "Shutdown waits for the request in flight")

	close(release)
	resp, body := busy.response(t, "GET")
	assert.Equal(t, "done", body)
	assert.True(t, resp.Close, "the last answer says the connection closes")
	require.NoError(t, <-shut)
	_, err := net.Dial("tcp", rt.addr)
	assert.Error(t, err, "nothing listens any more")
}

func TestServerConfigIsValidated(t *testing.T) {
	_, err := local.NewServer(local.ServerConfig{})
	assert.ErrorContains(t, err, "a proxy is needed")
	p, err := local.NewProxy(local.Config{Table: local.NewTable(), Logger: testLogger()})
	require.NoError(t, err)
	_, err = local.NewServer(local.ServerConfig{Proxy: p, IdleTimeout: -time.Second, MaxHeaderBytes: -1})
	assert.ErrorContains(t, err, "timeouts cannot be negative")
	assert.ErrorContains(t, err, "MaxHeaderBytes cannot be negative")
}
