package local_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

// echo answers with what it received, as JSON.
type echoed struct {
	Name   string              `json:"name"`
	Method string              `json:"method"`
	URI    string              `json:"uri"`
	Host   string              `json:"host"`
	Header map[string][]string `json:"header"`
	Body   string              `json:"body"`
}

func echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sb strings.Builder
		_, _ = bufio.NewReader(r.Body).WriteTo(&sb)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(echoed{Name: name, Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header, Body: sb.String()})
	})
}

func decode(t *testing.T, resp *http.Response) echoed {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var e echoed
	require.NoError(t, json.Unmarshal([]byte(readAll(t, resp)), &e))
	return e
}

func TestRoutesByHost(t *testing.T) {
	t.Parallel()
	rt := newRouter(t, local.Config{BaseDomain: "Apps.Example.com"})
	require.NoError(t, rt.table.Set(route("shop", backend(t, echo("shop")))))
	require.NoError(t, rt.table.Set(route("blog", backend(t, echo("blog")))))

	for host, want := range map[string]string{
		"shop.localhost":            "shop",
		"SHOP.LocalHost:8080":       "shop",
		"blog.localhost.":           "blog",
		"blog.apps.example.com":     "blog",
		"Blog.Apps.Example.COM:443": "blog",
	} {
		e := decode(t, rt.do(t, "GET", host, "/api/agents?x=1", nil, nil))
		assert.Equal(t, want, e.Name, host)
		assert.Equal(t, "/api/agents?x=1", e.URI, "host routing keeps the path: %s", host)
		assert.Equal(t, host, e.Host, "the Host is passed on")
		assert.Equal(t, []string{host}, e.Header["X-Forwarded-Host"])
		assert.Empty(t, e.Header["X-Forwarded-Prefix"])
	}
	resp := rt.do(t, "GET", "nope.localhost", "/shop/x", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "an unknown host is not routed by its path")
	readAll(t, resp)
	resp = rt.do(t, "GET", "shop.other.com", "/x", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "another domain is routed by path")
	readAll(t, resp)
}

func TestRoutesByPathPrefix(t *testing.T) {
	t.Parallel()
	rt := newRouter(t, local.Config{})
	require.NoError(t, rt.table.Set(route("mastra-math", backend(t, echo("math")))))

	cases := map[string]string{
		"/mastra-math/api/workflows/w/start-async?a=b%20c": "/api/workflows/w/start-async?a=b%20c",
		"/Mastra-Math/api":   "/api",
		"/mastra-math":       "/",
		"/mastra-math/":      "/",
		"/mastra-math?q=1":   "/?q=1",
		"/mastra-math/a%2Fb": "/a%2Fb",
	}
	for path, want := range cases {
		e := decode(t, rt.do(t, "POST", "", path, nil, strings.NewReader("body of "+path)))
		assert.Equal(t, want, e.URI, path)
		assert.Equal(t, "POST", e.Method)
		assert.Equal(t, "body of "+path, e.Body)
		prefix := "/" + strings.SplitN(strings.SplitN(path[1:], "/", 2)[0], "?", 2)[0]
		assert.Equal(t, []string{prefix}, e.Header["X-Forwarded-Prefix"], path)
	}
	for _, path := range []string{"/", "/other/x", "/mastra-mathx/y"} {
		resp := rt.do(t, "GET", "", path, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		readAll(t, resp)
	}
}

func TestForwardingHeadersAreTheRoutersOwn(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("app", backend(t, echo("app")))))
		forged := http.Header{
			"X-Forwarded-For":    {"6.6.6.6"},
			"X-Real-Ip":          {"6.6.6.6"},
			"Forwarded":          {"for=6.6.6.6;proto=https"},
			"X-Forwarded-Proto":  {"https"},
			"X-Forwarded-Host":   {"bank.example.com"},
			"X-Forwarded-Prefix": {"/admin"},
			"X-Forwarded-Port":   {"443"},
		}
		e := decode(t, rt.do(t, "GET", "app.localhost", "/", forged, nil))
		assert.Equal(t, []string{"127.0.0.1"}, e.Header["X-Forwarded-For"], "the client's own address, alone")
		assert.Equal(t, []string{"http"}, e.Header["X-Forwarded-Proto"])
		assert.Equal(t, []string{"app.localhost"}, e.Header["X-Forwarded-Host"])
		for _, k := range []string{"X-Real-Ip", "Forwarded", "X-Forwarded-Prefix", "X-Forwarded-Port"} {
			assert.Empty(t, e.Header[k], k)
		}
		assert.NotContains(t, fmt.Sprint(e.Header), "6.6.6.6")
	})
}

func TestHopByHopHeadersAreDropped(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		// The backend answers with hop-by-hop headers of its own.
		target := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ := json.Marshal(r.Header)
			w.Header().Set("Connection", "X-Secret-Hop")
			w.Header().Set("X-Secret-Hop", "1")
			w.Header().Set("Keep-Alive", "timeout=5")
			w.Header().Set("Proxy-Authenticate", "Basic")
			w.Header().Set("X-End-To-End", "kept")
			_, _ = w.Write(got)
		}))
		rt := newRouter(t, local.Config{})
		require.NoError(t, rt.table.Set(route("app", target)))

		// A raw request, so that nothing between the test and the router
		// rewrites its hop-by-hop headers.
		c, err := net.Dial("tcp", rt.addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = fmt.Fprint(c, "GET /app/ HTTP/1.1\r\nHost: x\r\n"+
			"Connection: keep-alive, X-Client-Hop\r\nX-Client-Hop: 1\r\nKeep-Alive: timeout=9\r\n"+
			"Proxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-T\r\n"+
			"Upgrade: h2c\r\nX-End-To-End: kept\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		var seen http.Header
		require.NoError(t, json.Unmarshal([]byte(readAll(t, resp)), &seen))
		for _, k := range []string{"X-Client-Hop", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Upgrade"} {
			assert.Empty(t, seen[k], "request header %s reached the target", k)
		}
		assert.NotContains(t, seen.Get("Connection"), "X-Client-Hop")
		assert.Equal(t, "kept", seen.Get("X-End-To-End"))
		for _, k := range []string{"X-Secret-Hop", "Keep-Alive", "Proxy-Authenticate"} {
			assert.Empty(t, resp.Header[k], "response header %s reached the client", k)
		}
		assert.Equal(t, "kept", resp.Header.Get("X-End-To-End"))
	})
}

func TestErrorShapes(t *testing.T) {
	t.Parallel()
	bothServers(t, func(t *testing.T, newRouter func(*testing.T, local.Config) *router) {
		rt := newRouter(t, local.Config{})
		dead := deadAddr(t)
		live := backend(t, echo("live"))
		stopped := route("stopped", live)
		stopped.State = local.StateStopped
		sick := route("sick", live)
		sick.Healthy = false
		require.NoError(t, rt.table.Replace([]local.Route{stopped, sick, route("dead", dead)}))

		cases := []struct {
			host   string
			status int
			code   string
		}{
			{"unknown.localhost", http.StatusNotFound, "not_found"},
			{"stopped.localhost", http.StatusServiceUnavailable, "unavailable"},
			{"dead.localhost", http.StatusBadGateway, "bad_gateway"},
			{"sick.localhost", http.StatusBadGateway, "bad_gateway"},
		}
		for _, c := range cases {
			resp := rt.do(t, "GET", c.host, "/", http.Header{"Accept": {"application/json, text/plain"}}, nil)
			assert.Equal(t, c.status, resp.StatusCode, c.host)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			body := readAll(t, resp)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, c.code, e.Error.Code, c.host)
			assert.NotEmpty(t, e.Error.Message)
			assertNoLeak(t, body, live, dead)

			resp = rt.do(t, "GET", c.host, "/", http.Header{"Accept": {"text/html,application/xhtml+xml"}}, nil)
			assert.Equal(t, c.status, resp.StatusCode, c.host)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			body = readAll(t, resp)
			assert.Contains(t, body, "<title>")
			assertNoLeak(t, body, live, dead)
		}
	})
}

func assertNoLeak(t *testing.T, body string, addrs ...string) {
	t.Helper()
	for _, a := range addrs {
		assert.NotContains(t, body, a)
		_, port, _ := net.SplitHostPort(a)
		assert.NotContains(t, body, port)
	}
	for _, s := range []string{"dial", "tcp", "refused", "127.0.0.1", "EOF"} {
		assert.NotContains(t, body, s)
	}
}

func TestConfigIsValidated(t *testing.T) {
	t.Parallel()
	_, err := local.NewProxy(local.Config{})
	require.ErrorContains(t, err, "routing table")
	require.ErrorContains(t, err, "logger")
	_, err = local.NewProxy(local.Config{Table: local.NewTable(), Logger: testLogger(), BaseDomain: "http://x.com/"})
	require.ErrorContains(t, err, "not a domain name")
	_, err = local.NewProxy(local.Config{Table: local.NewTable(), Logger: testLogger(), DialTimeout: -1})
	require.ErrorContains(t, err, "negative")
}
