package benchmarks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// recoveryDeployments is the number of deployments running when serve is
// killed: production, staging and previews of one project of the tiny
// fixture (the community license's project limit does not apply).
const recoveryDeployments = 20

// recoveryCycles is the number of kill -9 and restart cycles measured,
// with no deployment (the baseline) and with the 20.
const recoveryCycles = 5

// BenchmarkRecoveryAfterKill9 runs serve (the mastra-admin binary, built
// once) as a process with 20 deployments of the tiny fixture running,
// kills it with SIGKILL and starts it again on the same database and data
// directory, five times. Each time it measures, from the moment the new
// serve answers /readyz 200, the time until all 20 deployments answer 200
// through its edge router by path (/<subdomain>/env), and checks that each
// deployment's server has the ID and PID it had before and that this PID
// is the one answering (reattached, not restarted); 5 s after the last
// restart it checks the servers once more.
//
// Goal: all 20 answer within 5 s of ready (the worst of the five), all
// reattached. The baseline, measured in the same run on the same database,
// is the time a serve killed and restarted with no deployment takes from
// its start to /readyz 200; the ratio is the median time from the start of
// the restarted serve with 20 deployments until all 20 answer, over the
// median baseline. It needs MASTRA_ADMIN_NODE (Node 22).
func BenchmarkRecoveryAfterKill9(b *testing.B) {
	if os.Getenv("MASTRA_ADMIN_NODE") == "" {
		b.Skip("MASTRA_ADMIN_NODE is not set (a Node 22 binary): this benchmark runs deployed servers")
	}
	bin := buildBinary(b)
	for n := 0; n < b.N; n++ {
		recoveryRound(b, bin)
	}
}

func recoveryRound(b *testing.B, bin string) {
	db := pgtest.New(b)
	data, projects := b.TempDir(), b.TempDir()
	b.Cleanup(func() { _ = exec.Command("pkill", "-KILL", "-f", data).Run() })
	dir := filepath.Join(projects, "tiny")
	require.NoError(b, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "tiny-server"), dir).Run())
	// 50 ports below the kernel's ephemeral ones (32768 and up) and above
	// the ranges the cmd tests take (20000-29999).
	first := 30000 + (os.Getpid()%40)*60
	s := &serveProc{bin: bin, env: map[string]string{
		"DATABASE_URL":              db.URL,
		"MASTRA_ADMIN_ADDR":         freeAddr(b),
		"MASTRA_ADMIN_PROXY_ADDR":   freeAddr(b),
		"MASTRA_ADMIN_DATA_DIR":     data,
		"PROJECTS_DIR":              projects,
		"MASTRA_ADMIN_PORT_RANGE":   fmt.Sprintf("%d-%d", first, first+49),
		"MASTRA_ADMIN_INJECT_ENTRY": "false",
		"MASTRA_ADMIN_DRAIN":        "1s",
	}}
	s.start(b)
	defer s.kill()

	// Baseline: kill -9 and restart with no deployment, to /readyz 200.
	var empty []time.Duration
	for i := 0; i < recoveryCycles; i++ {
		s.kill()
		empty = append(empty, s.start(b))
	}

	tok, err := s.cli("token", "create", "--email", "bench@example.com", "--admin")
	require.NoError(b, err)
	api := &benchAPI{b: b, base: "http://" + s.env["MASTRA_ADMIN_ADDR"], token: strings.TrimSpace(tok)}
	team := api.must(http.StatusCreated, "POST", "/api/teams", `{"name":"Recovery"}`)
	project := api.must(http.StatusCreated, "POST", "/api/teams/"+team["id"].(string)+"/projects",
		fmt.Sprintf(`{"name":"Tiny","sourceType":"local","sourceConfig":{"path":%q}}`, dir))
	deps := make([]string, 0, recoveryDeployments)
	for i := 0; i < recoveryDeployments; i++ {
		body := `{"type":"production"}`
		switch {
		case i == 1:
			body = `{"type":"staging","branch":"main"}`
		case i > 1:
			body = fmt.Sprintf(`{"type":"preview","branch":"p%02d","slug":"p%02d"}`, i, i)
		}
		d := api.must(http.StatusCreated, "POST", "/api/projects/"+project["id"].(string)+"/deployments", body)
		deps = append(deps, d["id"].(string))
	}
	builds := make([]string, len(deps))
	for i, d := range deps {
		builds[i] = api.must(http.StatusAccepted, "POST", "/api/deployments/"+d+"/deploy", "")["id"].(string)
	}
	for _, id := range builds {
		bl := api.waitBuild(id)
		require.Equal(b, "succeeded", bl["status"], "%v\n%s", bl, s.stderr.String())
	}
	paths := make([]string, len(deps))
	for i, d := range deps {
		paths[i] = "/" + subdomainOf(b, api.must(http.StatusOK, "GET", "/api/deployments/"+d, "")["publicUrl"].(string)) + "/env"
	}
	proxy := s.env["MASTRA_ADMIN_PROXY_ADDR"]
	_, pids, err := allAnswer(proxy, paths, time.Minute)
	require.NoError(b, err, "the deployments serve before the kill\n%s", s.stderr.String())
	before := servers(api, deps)
	for i := range deps {
		require.Equal(b, before[i].pid, pids[i], "%s is served by its server's process", paths[i])
	}

	// The measure: kill -9, start again, time until all 20 answer; then
	// check that the same servers (ID and process) serve them.
	var ready, afterReady, firstAfterReady, fromStart []time.Duration
	replaced := map[int]bool{} // deployments whose server or process changed
	check := func(when string, pids []float64) {
		now := servers(api, deps)
		for i := range deps {
			if now[i] != before[i] || (pids != nil && pids[i] != before[i].pid) {
				replaced[i] = true
				answering := "-"
				if pids != nil {
					answering = fmt.Sprintf("%.0f", pids[i])
				}
				fmt.Printf("  %s %s: server %s pid %.0f before, %s pid %.0f after (pid answering: %s)\n",
					when, paths[i], before[i].id, before[i].pid, now[i].id, now[i].pid, answering)
			}
		}
	}
	for c := 0; c < recoveryCycles; c++ {
		s.kill()
		t0 := time.Now()
		r := s.start(b)
		readyAt := t0.Add(r)
		firstAt, pids, err := allAnswer(proxy, paths, 2*time.Minute)
		allAt := time.Now()
		require.NoError(b, err, "the deployments serve after the restart\n%s", s.stderr.String())
		ready = append(ready, r)
		afterReady = append(afterReady, allAt.Sub(readyAt))
		firstAfterReady = append(firstAfterReady, firstAt.Sub(readyAt))
		fromStart = append(fromStart, allAt.Sub(t0))
		check(fmt.Sprintf("restart %d", c+1), pids)
	}
	// Still the same servers a while later: none was replaced once the
	// runner's watches and the routers' health checks had run.
	time.Sleep(5 * time.Second)
	check("5 s after the last restart", nil)
	reattached := len(deps) - len(replaced)

	for _, d := range [][]time.Duration{empty, ready, afterReady, firstAfterReady, fromStart} {
		sortDurations(d)
	}
	worst := afterReady[len(afterReady)-1]
	verdict := "meets"
	if worst >= 5*time.Second || reattached != len(deps) {
		verdict = "MISSES"
	}
	med := func(d []time.Duration) float64 { return percentile(d, 50).Seconds() }
	ratio := med(fromStart) / med(empty)
	fmt.Printf("recovery after kill -9 with %d deployments, %d restarts: all answer %.2f s after /readyz 200 (median; worst %.2f s; goal < 5 s), %d/%d reattached (same server and pid): %s\n",
		len(deps), recoveryCycles, med(afterReady), worst.Seconds(), reattached, len(deps), verdict)
	fmt.Printf("  medians: restarted serve ready %.3f s (baseline, no deployment: %.3f s); first route answers %.3f s after ready; all answer %.3f s after start  ratio to the baseline %.2f\n",
		med(ready), med(empty), med(firstAfterReady), med(fromStart), ratio)
	b.ReportMetric(med(afterReady), "all-after-ready-s")
	b.ReportMetric(worst.Seconds(), "worst-all-after-ready-s")
	b.ReportMetric(med(ready), "ready-s")
	b.ReportMetric(med(empty), "baseline-empty-ready-s")
	b.ReportMetric(float64(reattached), "reattached")
	b.ReportMetric(ratio, "ratio")
}

// serverOf is a deployment's server: its ID and process.
type serverOf struct {
	id  string
	pid float64
}

// servers returns each deployment's current server.
func servers(api *benchAPI, deps []string) []serverOf {
	out := make([]serverOf, len(deps))
	for i, d := range deps {
		m := api.must(http.StatusOK, "GET", "/api/deployments/"+d+"/server", "")
		id, _ := m["id"].(string)
		pid, _ := m["pid"].(float64)
		out[i] = serverOf{id: id, pid: pid}
	}
	return out
}

// allAnswer polls every path (a tiny server's /env) through the edge
// router at addr until each has answered 200 once; it returns when the
// first one answered and the pid each answer named.
func allAnswer(addr string, paths []string, within time.Duration) (time.Time, []float64, error) {
	deadline := time.Now().Add(within)
	var first time.Time
	var once sync.Once
	pids := make([]float64, len(paths))
	errs := make(chan error, len(paths))
	for i, p := range paths {
		go func(i int, p string) {
			for {
				res, err := proxyClient.Get("http://" + addr + p)
				if err == nil {
					var body struct {
						PID float64 `json:"pid"`
					}
					derr := json.NewDecoder(res.Body).Decode(&body)
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					if res.StatusCode == http.StatusOK && derr == nil {
						once.Do(func() { first = time.Now() })
						pids[i] = body.PID
						errs <- nil
						return
					}
					err = fmt.Errorf("status %d", res.StatusCode)
				}
				if time.Now().After(deadline) {
					errs <- fmt.Errorf("%s did not answer 200 within %s (last: %v)", p, within, err)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}(i, p)
	}
	var err error
	for range paths {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return first, pids, err
}

// proxyClient keeps connections to the router alive, as browsers do.
var proxyClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32, Proxy: nil}}

// subdomainOf returns the first label of a public URL's host
// (http://<subdomain>.localhost:3100/).
func subdomainOf(b *testing.B, publicURL string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(publicURL, "http://"), "https://")
	sub, _, ok := strings.Cut(host, ".")
	require.True(b, ok, "public URL %q has no subdomain", publicURL)
	return sub
}

// serveProc is `mastra-admin serve` as a process, with its environment.
type serveProc struct {
	bin    string
	env    map[string]string
	cmd    *exec.Cmd
	exited chan struct{}
	stderr lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}

// environ is the process environment: env, the process's PATH and HOME,
// Node and the machine's TLS trust settings.
func (s *serveProc) environ() []string {
	e := []string{"LOG_FORMAT=json", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"MASTRA_ADMIN_NODE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"} {
		if v, ok := os.LookupEnv(k); ok {
			e = append(e, k+"="+v)
		}
	}
	for k, v := range s.env {
		e = append(e, k+"="+v)
	}
	return e
}

// start starts serve and returns the time until /readyz answered 200.
func (s *serveProc) start(b *testing.B) time.Duration {
	s.stderr.Reset()
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = s.environ()
	s.cmd.Stderr = &s.stderr
	t0 := time.Now()
	require.NoError(b, s.cmd.Start())
	exited := make(chan struct{})
	s.exited = exited
	go func() { _ = s.cmd.Wait(); close(exited) }()
	url := "http://" + s.env["MASTRA_ADMIN_ADDR"] + "/readyz"
	for deadline := t0.Add(60 * time.Second); ; {
		res, err := http.Get(url)
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(t0)
			}
		}
		select {
		case <-exited:
			b.Fatalf("serve exited before it was ready:\n%s", s.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		require.True(b, time.Now().Before(deadline), "serve not ready after 60 s:\n%s", s.stderr.String())
	}
}

// kill sends SIGKILL to serve and waits until it is gone.
func (s *serveProc) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// cli runs a mastra-admin command with serve's environment.
func (s *serveProc) cli(args ...string) (string, error) {
	c := exec.Command(s.bin, args...)
	c.Env = s.environ()
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("mastra-admin %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// benchAPI calls the API of one serve as one user.
type benchAPI struct {
	b     *testing.B
	base  string
	token string
}

// must sends a JSON request, requires the status want and returns the
// decoded object.
func (c *benchAPI) must(want int, method, path, body string) map[string]any {
	c.b.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.b, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.b, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.b, err)
	require.Equal(c.b, want, res.StatusCode, "%s %s: %s", method, path, raw)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

// waitBuild waits until a build has ended and returns it.
func (c *benchAPI) waitBuild(id string) map[string]any {
	c.b.Helper()
	for deadline := time.Now().Add(5 * time.Minute); ; {
		bl := c.must(http.StatusOK, "GET", "/api/builds/"+id, "")
		switch bl["status"] {
		case "succeeded", "failed", "cancelled":
			return bl
		}
		require.True(c.b, time.Now().Before(deadline), "build %s did not end: %v", id, bl)
		time.Sleep(100 * time.Millisecond)
	}
}
