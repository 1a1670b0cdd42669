package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// portRanges hands each serving test a range of server ports of its own,
// so that tests running in parallel (each with its own database, hence
// its own port claims) do not pick the same port.
var portRanges atomic.Int32

// servingEnv is serveEnv for a test that deploys the tiny fixture: a
// copy of testdata/tiny-server in a projects folder of its own, a port
// range of its own, Node, and a short drain. The servers it starts are
// killed at cleanup (they outlive serve by design).
func servingEnv(t *testing.T) (env map[string]string, projectDir string) {
	t.Helper()
	if os.Getenv("MASTRA_ADMIN_NODE") == "" {
		t.Skip("MASTRA_ADMIN_NODE is not set; scripts/test.sh sets it to a Node 22 it fetches")
	}
	db := pgtest.New(t)
	env = serveEnv(t, db.URL)
	projects := t.TempDir()
	projectDir = filepath.Join(projects, "tiny")
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "tiny-server"), projectDir).Run())
	// Below the kernel's ephemeral ports (32768 and up), which other
	// tests' listeners and every outgoing connection take at random.
	first := 20000 + (os.Getpid()%20)*500 + int(portRanges.Add(1)%50)*10
	env["PROJECTS_DIR"] = projects
	env["MASTRA_ADMIN_PORT_RANGE"] = fmt.Sprintf("%d-%d", first, first+9)
	env["MASTRA_ADMIN_DRAIN"] = "1s"
	env["MASTRA_ADMIN_INJECT_ENTRY"] = "false" // the tiny fixture has no Mastra to instrument
	data := env["MASTRA_ADMIN_DATA_DIR"]
	t.Cleanup(func() { _ = exec.Command("pkill", "-KILL", "-f", data).Run() })
	return env, projectDir
}

// apiClient calls the API of one serve as one user.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

// newAPIClient creates a platform admin and returns a client for it.
func newAPIClient(t *testing.T, env map[string]string) *apiClient {
	t.Helper()
	tok := runCLI(t, env, "token", "create", "--email", "ops@example.com", "--admin")
	require.Equal(t, exitOK, tok.code, tok.stderr)
	return &apiClient{t: t, base: "http://" + env["MASTRA_ADMIN_ADDR"], token: strings.TrimSpace(tok.stdout)}
}

// call sends a JSON request and returns the status, the decoded object
// (nil when the body is not one) and the raw body.
func (c *apiClient) call(method, path, body string) (int, map[string]any, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m, string(b)
}

// must calls and requires the status want, returning the object.
func (c *apiClient) must(want int, method, path, body string) map[string]any {
	c.t.Helper()
	code, m, raw := c.call(method, path, body)
	require.Equal(c.t, want, code, "%s %s: %s", method, path, raw)
	return m
}

// tinyDeployment creates a team, a project of the tiny fixture at dir
// and its production deployment; it returns the project and deployment IDs.
func (c *apiClient) tinyDeployment(dir string) (projectID, deploymentID string) {
	c.t.Helper()
	team := c.must(http.StatusCreated, "POST", "/api/teams", `{"name":"Serving"}`)
	project := c.must(http.StatusCreated, "POST", "/api/teams/"+team["id"].(string)+"/projects",
		fmt.Sprintf(`{"name":"Tiny","sourceType":"local","sourceConfig":{"path":%q}}`, dir))
	dep := c.must(http.StatusCreated, "POST", "/api/projects/"+project["id"].(string)+"/deployments", `{"type":"production"}`)
	return project["id"].(string), dep["id"].(string)
}

// deploy queues a build of the deployment and waits until it ends; it
// returns the ended build.
func (c *apiClient) deploy(deploymentID string) map[string]any {
	c.t.Helper()
	b := c.must(http.StatusAccepted, "POST", "/api/deployments/"+deploymentID+"/deploy", "")
	return c.waitBuild(b["id"].(string))
}

// waitBuild waits until a build has ended (succeeded, failed or cancelled).
func (c *apiClient) waitBuild(id string) map[string]any {
	c.t.Helper()
	var b map[string]any
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, b, _ = c.call("GET", "/api/builds/"+id, "")
		switch b["status"] {
		case "succeeded", "failed", "cancelled":
			return b
		}
		require.True(c.t, time.Now().Before(deadline), "build %s did not end: %v", id, b)
		time.Sleep(50 * time.Millisecond)
	}
}

// server returns the deployment's current server.
func (c *apiClient) server(deploymentID string) map[string]any {
	c.t.Helper()
	return c.must(http.StatusOK, "GET", "/api/deployments/"+deploymentID+"/server", "")
}

// proxyGet sends GET path to the edge router at addr with host as the
// Host header ("" for addr itself) and returns the status and body.
func proxyGet(addr, host, path string, header ...string) (int, string, error) {
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		return 0, "", err
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := proxyClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// proxyClient keeps connections to the router alive, as browsers do.
var proxyClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16, Proxy: nil}}

// processGone reports whether no process has the pid any more.
func processGone(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if err != nil {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err != nil || strings.Contains(string(b), ") Z ")
}
