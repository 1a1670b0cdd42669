package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

// BenchmarkProxy measures the edge router against nginx and against the
// Node.js server alone, in one run (issue 8): throughput with wrk, 64
// connections, and added latency at an open-loop 2,000 req/s.
func BenchmarkProxy(b *testing.B) {
	node, nginx, wrk := lookTool("MASTRA_ADMIN_NODE", "node"), lookTool("", "/usr/sbin/nginx"), lookTool("", "wrk")
	if node == "" || nginx == "" || wrk == "" {
		b.Skipf("needs node, nginx and wrk (found node=%q nginx=%q wrk=%q); on Debian: apt-get install -y nginx-light wrk "+
			"(the benchmark starts its own nginx from /usr/sbin/nginx; node from PATH or MASTRA_ADMIN_NODE)", node, nginx, wrk)
	}
	target := startNode(b, node)
	nginxAddr := startNginx(b, nginx, target)
	proxyAddr := startProxy(b, target)
	addrs := map[string]string{"direct": target, "nginx": nginxAddr, "router": proxyAddr}
	order := []string{"direct", "nginx", "router"}

	// Throughput: 3 rounds of 5 s each, alternating, after a warm-up.
	rps := map[string]float64{}
	for r := -1; r < 3; r++ {
		for _, name := range order {
			v := runWrk(b, wrk, addrs[name], 5*time.Second)
			if r >= 0 {
				rps[name] += v / 3
			}
		}
	}
	fmt.Printf("throughput, wrk -t2 -c64: direct %.0f req/s, nginx %.0f req/s, router %.0f req/s\n", rps["direct"], rps["nginx"], rps["router"])
	report(b, "router vs nginx, wrk 64 connections", rps["router"], rps["nginx"], "req/s", 0.8)

	// Latency: open loop at 2,000 req/s, 2 rounds of 8 s each, alternating.
	lat := map[string][]time.Duration{}
	for r := 0; r < 2; r++ {
		for _, name := range order {
			lat[name] = append(lat[name], openLoop(b, addrs[name], 2000, 8*time.Second)...)
		}
	}
	for _, name := range order {
		sortDurations(lat[name])
	}
	p := func(name string, q float64) time.Duration { return percentile(lat[name], q) }
	for _, name := range order {
		fmt.Printf("latency at 2,000 req/s, %-6s p50 %v p99 %v (%d requests)\n", name, p(name, 50), p(name, 99), len(lat[name]))
	}
	for _, name := range []string{"nginx", "router"} {
		a50, a99 := p(name, 50)-p("direct", 50), p(name, 99)-p("direct", 99)
		fmt.Printf("added by %-6s p50 %v (goal <= 0.3 ms) p99 %v (goal <= 2 ms)\n", name, a50, a99)
		b.ReportMetric(float64(a50.Microseconds()), name+"-added-p50-us")
		b.ReportMetric(float64(a99.Microseconds()), name+"-added-p99-us")
	}
}

func lookTool(env, name string) string {
	if v := os.Getenv(env); env != "" && v != "" {
		name = v
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

func freePort(b testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(b testing.TB, addr string) {
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	b.Fatalf("nothing listens on %s", addr)
}

// startNode starts a tiny Node.js server that answers a small body.
func startNode(b testing.TB, node string) string {
	port := freePort(b)
	script := `require('http').createServer((req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end('hello from node\n') }).listen(` + strconv.Itoa(port) + `, '127.0.0.1')`
	cmd := exec.Command(node, "-e", script)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitListening(b, addr)
	return addr
}

// startNginx starts nginx with a config of its own: worker_processes auto
// (2 here, as many cores as the router's GOMAXPROCS), an upstream with
// keepalive, HTTP/1.1 to it, access log off.
func startNginx(b testing.TB, nginx, target string) string {
	dir := b.TempDir()
	port := freePort(b)
	conf := fmt.Sprintf(`worker_processes auto;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  upstream app { server %[2]s; keepalive 128; }
  server {
    listen 127.0.0.1:%[3]d;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }
  }
}
`, dir, target, port)
	path := filepath.Join(dir, "nginx.conf")
	require.NoError(b, os.WriteFile(path, []byte(conf), 0o600))
	cmd := exec.Command(nginx, "-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log"))
	cmd.Stderr = os.Stderr
	require.NoError(b, cmd.Start())
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitListening(b, addr)
	return addr
}

// startProxy serves the router in this process, with one route "bench"
// to target; requests reach it as bench.localhost. The process runs with
// the router's GOGC, as mastra-admin's router does.
func startProxy(b testing.TB, target string) string {
	local.TuneGC()
	l := logrus.New()
	l.SetOutput(io.Discard)
	tb := local.NewTable()
	require.NoError(b, tb.Set(local.Route{Subdomain: "bench", DeploymentID: uuid.New(), ProjectID: uuid.New(),
		Target: target, State: local.StateActive, Healthy: true}))
	p, err := local.NewProxy(local.Config{Table: tb, Logger: logrus.NewEntry(l)})
	require.NoError(b, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	srv, err := local.NewServer(local.ServerConfig{Proxy: p})
	require.NoError(b, err)
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close(); p.Close() })
	return ln.Addr().String()
}

var wrkRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

func runWrk(b testing.TB, wrk, addr string, d time.Duration) float64 {
	out, err := exec.Command(wrk, "-t2", "-c64", fmt.Sprintf("-d%ds", int(d.Seconds())),
		"-H", "Host: bench.localhost", "http://"+addr+"/").CombinedOutput()
	require.NoError(b, err, string(out))
	m := wrkRPS.FindSubmatch(out)
	require.NotNil(b, m, string(out))
	v, err := strconv.ParseFloat(string(m[1]), 64)
	require.NoError(b, err)
	if regexp.MustCompile(`Non-2xx|Socket errors`).Match(out) {
		b.Fatalf("wrk saw errors against %s:\n%s", addr, out)
	}
	return v
}

// openLoop sends rate requests per second for d, each at its scheduled
// time whatever the answers before it (64 keep-alive connections take
// them), and returns each request's latency from its scheduled time to
// its whole response: a slow answer delays no later send, and the wait of
// a request behind it counts (no coordinated omission).
func openLoop(b testing.TB, addr string, rate int, d time.Duration) []time.Duration {
	n := int(d.Seconds()) * rate
	interval := time.Second / time.Duration(rate)
	jobs := make(chan time.Time, n)
	results := make(chan time.Duration, n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := []byte("GET / HTTP/1.1\r\nHost: bench.localhost\r\n\r\n")
	for w := 0; w < 64; w++ {
		c, err := net.Dial("tcp", addr)
		require.NoError(b, err)
		defer c.Close()
		go func() {
			br := bufio.NewReader(c)
			for at := range jobs {
				if _, err := c.Write(req); err != nil {
					results <- -1
					continue
				}
				resp, err := http.ReadResponse(br, nil)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != 200 {
					results <- -1
					continue
				}
				results <- time.Since(at)
			}
		}()
	}
	start := time.Now()
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(i) * interval)
			if w := time.Until(at); w > 0 {
				select {
				case <-time.After(w):
				case <-ctx.Done():
					return
				}
			}
			jobs <- at
		}
	}()
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		l := <-results
		require.GreaterOrEqual(b, l, time.Duration(0), "a request failed against %s", addr)
		out = append(out, l)
	}
	return out
}
