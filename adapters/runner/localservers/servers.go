package localservers

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/commands"
)

// Servers runs servers with local.Servers.
type Servers struct {
	Local *local.Servers
	// Entry is the file of the artifact that node runs (empty: the
	// injected entry, local.EntryFile, when the artifact has one, else
	// its index.mjs).
	Entry string
	// Host is where servers listen (empty: 127.0.0.1); the saga's targets
	// must reach it.
	Host string
}

var _ commands.Servers = Servers{}

// Start implements commands.Servers.
func (s Servers) Start(ctx context.Context, spec commands.ServerSpec) (commands.ServerProcess, error) {
	entry := s.Entry
	if entry == "" {
		entry = local.PlainEntryFile
		if _, err := os.Stat(filepath.Join(spec.ArtifactDir, local.EntryFile)); err == nil {
			entry = local.EntryFile
		}
	}
	env := make(map[string]string, len(spec.Env)+1)
	for k, v := range spec.Env {
		env[k] = v
	}
	env["MASTRA_ADMIN_BUILD_ID"] = spec.BuildID.String() // the injected entry marks spans with it
	p, err := s.Local.Start(ctx, local.ServerSpec{ServerID: spec.ServerID, DeploymentID: spec.DeploymentID,
		ArtifactDir: spec.ArtifactDir, Entry: entry, Port: spec.Port, Host: s.Host, Env: env})
	if err != nil {
		return commands.ServerProcess{}, err
	}
	sp := commands.ServerProcess{ServerID: p.ServerID, DeploymentID: p.DeploymentID, PID: p.PID, StartTime: p.StartTime}
	s.writePID(sp)
	return sp, nil
}

// WaitHealthy implements commands.Servers.
func (s Servers) WaitHealthy(ctx context.Context, p commands.ServerProcess, port int, timeout time.Duration) error {
	return s.Local.WaitHealthy(ctx, local.Process{ServerID: p.ServerID, DeploymentID: p.DeploymentID, PID: p.PID, StartTime: p.StartTime, Host: s.Host, Port: port}, port, timeout)
}

// Stop implements commands.Servers.
func (s Servers) Stop(ctx context.Context, p commands.ServerProcess, grace time.Duration) error {
	return s.Local.Stop(ctx, local.Process{ServerID: p.ServerID, DeploymentID: p.DeploymentID, PID: p.PID, StartTime: p.StartTime}, grace)
}

// PortFree implements commands.Servers.
func (s Servers) PortFree(port int) bool {
	host := s.Host
	if host == "" {
		host = "127.0.0.1"
	}
	return local.PortFree(host, port)
}

// StderrTail implements commands.ServerLogs: the last lines of what the
// server wrote to stderr (none when it cannot be read).
func (s Servers) StderrTail(deploymentID, serverID uuid.UUID, lines int) []string {
	tail, err := s.Local.StderrTail(deploymentID, serverID, lines)
	if err != nil || tail == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(tail, "\n"), "\n")
}
