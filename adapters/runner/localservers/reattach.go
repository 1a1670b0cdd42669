package localservers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/commands"
)

// Wait implements commands.Servers.
func (s Servers) Wait(ctx context.Context, p commands.ServerProcess) (string, error) {
	return s.Local.Wait(ctx, local.Process{ServerID: p.ServerID, DeploymentID: p.DeploymentID, PID: p.PID, StartTime: p.StartTime})
}

// Reattach implements commands.Servers: the PID must be alive with p's
// start time, and its command line must name the artifact (node runs a
// file of the artifact's folder, which is named by its ID).
func (s Servers) Reattach(_ context.Context, p commands.ServerProcess, artifact uuid.UUID) error {
	if _, err := s.Local.Reattach(p.PID, p.StartTime); err != nil {
		return err
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.PID))
	if err != nil {
		return fmt.Errorf("%w: read the command line of %d: %v", local.ErrServerGone, p.PID, err)
	}
	if !bytes.Contains(cmdline, []byte(artifact.String())) {
		return fmt.Errorf("%w: pid %d runs %q, not artifact %s", local.ErrServerGone, p.PID,
			strings.ReplaceAll(string(cmdline), "\x00", " "), artifact)
	}
	return nil
}

// Find implements commands.Servers from the PID file Start writes next to
// the server's logs.
func (s Servers) Find(serverID, deploymentID uuid.UUID) (commands.ServerProcess, bool) {
	b, err := os.ReadFile(s.pidFile(deploymentID, serverID))
	if err != nil {
		return commands.ServerProcess{}, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return commands.ServerProcess{}, false
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return commands.ServerProcess{}, false
	}
	if _, err := s.Local.Reattach(pid, start); err != nil {
		return commands.ServerProcess{}, false
	}
	return commands.ServerProcess{ServerID: serverID, DeploymentID: deploymentID, PID: pid, StartTime: start}, true
}

// pidFile is where Start records a server's PID and start time.
func (s Servers) pidFile(deploymentID, serverID uuid.UUID) string {
	out, _ := s.Local.LogPaths(deploymentID, serverID)
	return strings.TrimSuffix(out, ".stdout.log") + ".pid"
}

// writePID records p for Find; a failure only loses the adoption of a
// server whose start was not recorded.
func (s Servers) writePID(p commands.ServerProcess) {
	_ = os.WriteFile(s.pidFile(p.DeploymentID, p.ServerID), []byte(fmt.Sprintf("%d %d\n", p.PID, p.StartTime)), 0o600)
}
