package local

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelperAdminStartsAServerAndExits is not a test: it is the "admin"
// that TestServerOutlivesTheAdmin runs in a process of its own. It starts
// a server and prints its Process; then the process exits.
func TestHelperAdminStartsAServerAndExits(t *testing.T) {
	dir := os.Getenv("LOCAL_TEST_ADMIN_DIR")
	if dir == "" {
		t.Skip("run by TestServerOutlivesTheAdmin")
	}
	var spec ServerSpec
	require.NoError(t, json.Unmarshal([]byte(os.Getenv("LOCAL_TEST_ADMIN_SPEC")), &spec))
	s := newTestServers(t, dir, nil)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := s.Start(ctx, spec)
	require.NoError(t, err)
	require.NoError(t, s.WaitHealthy(ctx, p, p.Port, 0))
	cancel() // the server does not depend on the admin's context either
	out, _ := json.Marshal(p)
	_, _ = os.Stdout.Write(append([]byte("PROCESS "), append(out, '\n')...))
}

// TestServerOutlivesTheAdmin: a server started by an admin process that
// then exits keeps serving; a new admin reattaches to it by PID and start
// time, refuses a wrong start time, and stops it.
func TestServerOutlivesTheAdmin(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "servers")
	spec := ServerSpec{ServerID: uuid.New(), DeploymentID: uuid.New(), ArtifactDir: tinyBundle(t), Entry: "index.mjs", Port: freePort(t)}
	specJSON, _ := json.Marshal(spec)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAdminStartsAServerAndExits$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LOCAL_TEST_ADMIN_DIR="+dir, "LOCAL_TEST_ADMIN_SPEC="+string(specJSON))
	out, err := cmd.Output()
	require.NoError(t, err, string(out))
	var started Process
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "PROCESS "); ok {
			require.NoError(t, json.Unmarshal([]byte(rest), &started))
		}
	}
	require.NotZero(t, started.PID, string(out))

	s := newTestServers(t, dir, nil)
	t.Cleanup(func() { _ = s.Stop(context.Background(), started, time.Second) })
	require.True(t, s.Alive(started), "the server outlived the admin that started it")

	_, err = s.Reattach(started.PID, started.StartTime+1)
	require.ErrorIs(t, err, ErrServerGone, "a wrong start time is another process")
	assert.ErrorContains(t, err, "is another process now")
	wrong := started
	wrong.StartTime++
	require.NoError(t, s.Stop(context.Background(), wrong, 0))
	assert.True(t, s.Alive(started), "Stop leaves a process alone whose start time differs")

	p, err := s.Reattach(started.PID, started.StartTime)
	require.NoError(t, err)
	p.Host, p.Port, p.DeploymentID, p.ServerID = started.Host, started.Port, started.DeploymentID, started.ServerID
	require.NoError(t, s.WaitHealthy(context.Background(), p, p.Port, 0))
	require.NoError(t, s.Stop(context.Background(), p, 0))
	requireStopped(t, p.PID)
	_, err = s.Reattach(p.PID, p.StartTime)
	require.ErrorIs(t, err, ErrServerGone)
	_, err = s.Reattach(0, 1)
	require.ErrorIs(t, err, ErrServerGone)
}
