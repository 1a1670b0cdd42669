package local_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

func TestWebSocketEchoThroughTheProxy(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		up := websocket.Upgrader{}
		target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := up.Upgrade(w, r, http.Header{"X-Path": {r.URL.Path}})
			if err != nil {
				return
			}
			defer c.Close()
			for {
				mt, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				if err := c.WriteMessage(mt, append([]byte("echo: "), msg...)); err != nil {
					return
				}
			}
		}))
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("ws", target)))

		for _, u := range []string{"ws://" + rt.addr + "/ws/socket", "ws://ws.localhost:" + strings.Split(rt.addr, ":")[1] + "/socket"} {
			d := websocket.Dialer{NetDial: func(_, _ string) (net.Conn, error) { return net.Dial("tcp", rt.addr) }}
			c, resp, err := d.Dial(u, nil)
			require.NoError(t, err, u)
			assert.Equal(t, "/socket", resp.Header.Get("X-Path"), "the path the target saw")
			for i := 0; i < 3; i++ {
				msg := fmt.Sprintf("hello %d", i)
				require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte(msg)))
				_, got, err := c.ReadMessage()
				require.NoError(t, err)
				assert.Equal(t, "echo: "+msg, string(got))
			}
			big := strings.Repeat("x", 200_000)
			require.NoError(t, c.WriteMessage(websocket.BinaryMessage, []byte(big)))
			_, got, err := c.ReadMessage()
			require.NoError(t, err)
			assert.Equal(t, "echo: "+big, string(got))
			require.NoError(t, c.Close())
		}
	})
}

func TestServerSentEventsArriveOneByOne(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		next := make(chan struct{})
		target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			for i := 1; i <= 3; i++ {
				fmt.Fprintf(w, "data: event %d\n\n", i)
				w.(http.Flusher).Flush()
				if i < 3 {
					select {
					case <-next: // the client read this event
					case <-r.Context().Done():
						return
					}
				}
			}
		}))
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("sse", target)))

		resp := rt.do(t, "GET", "", "/sse/events", http.Header{"Accept": {"text/event-stream"}}, nil)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		br := bufio.NewReader(resp.Body)
		for i := 1; i <= 3; i++ {
			// The server sends event i+1 only after this read: a proxy that
			// buffered would block here forever.
			line, err := br.ReadString('\n')
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("data: event %d\n", i), line)
			_, err = br.ReadString('\n')
			require.NoError(t, err)
			if i < 3 {
				next <- struct{}{}
			}
		}
		rest, err := io.ReadAll(br)
		require.NoError(t, err)
		assert.Empty(t, rest)
	})
}

func TestChunkedResponsesStreamAndChunkedUploadsPass(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		next := make(chan struct{})
		target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "got %d bytes;", len(body)) // no length: chunked
			w.(http.Flusher).Flush()
			<-next
			fmt.Fprint(w, "done")
		}))
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("chunks", target)))

		pr, pw := io.Pipe()
		go func() {
			for i := 0; i < 10; i++ {
				_, _ = pw.Write([]byte(strings.Repeat("a", 1000)))
			}
			pw.Close()
		}()
		resp := rt.do(t, "POST", "chunks.localhost", "/", nil, pr) // a pipe: sent chunked
		defer resp.Body.Close()
		first := make([]byte, len("got 10000 bytes;"))
		_, err := io.ReadFull(resp.Body, first)
		require.NoError(t, err)
		assert.Equal(t, "got 10000 bytes;", string(first))
		next <- struct{}{}
		rest, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, "done", string(rest))
	})
}

// A target that closes each connection after one answer, without saying
// so: the proxy's pooled connection is dead when the next request takes
// it, and a request without a body is sent again on a new one.
func TestAPooledConnectionTheTargetClosedIsReplaced(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
						return
					}
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				}()
			}
		}()
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("flaky", l.Addr().String())))
		for i := 0; i < 20; i++ {
			resp := rt.do(t, "GET", "flaky.localhost", "/", nil, nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "request %d", i)
			assert.Equal(t, "ok", readAll(t, resp))
		}
	})
}
