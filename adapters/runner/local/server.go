package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
)

// ServersConfig configures Servers.
type ServersConfig struct {
	// Node is the node binary (MASTRA_ADMIN_NODE; empty: node from PATH).
	Node string
	// Dir holds one folder per deployment: its servers' logs, its
	// working folder and (by default) their observability folders.
	Dir string
	// User is who servers run as (nil: the admin's own user).
	User *Account
	// HealthTimeout is WaitHealthy's default (0: 60 s).
	HealthTimeout time.Duration
	// StopGrace is Stop's default time between SIGTERM and SIGKILL (0: 10 s).
	StopGrace time.Duration
	Logger    *logrus.Entry
}

func (c *ServersConfig) setDefaults() {
	if c.HealthTimeout <= 0 {
		c.HealthTimeout = 60 * time.Second
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = logrus.NewEntry(logrus.New())
	}
}

// Validate reports what is missing.
func (c ServersConfig) Validate() error {
	var errs []error
	if c.Dir == "" {
		errs = append(errs, errors.New("servers: a folder for the servers is needed"))
	} else if !filepath.IsAbs(c.Dir) {
		errs = append(errs, fmt.Errorf("servers: folder %q must be absolute", c.Dir))
	}
	return errors.Join(errs...)
}

// ServerSpec is one server to start.
type ServerSpec struct {
	ServerID     uuid.UUID
	DeploymentID uuid.UUID
	// ArtifactDir is the runnable bundle (Artifacts.Resolve).
	ArtifactDir string
	// Entry is the file in ArtifactDir that node runs (index.mjs, or the
	// wrapper entry).
	Entry string
	Port  int
	// Host is MASTRA_HOST (empty: 127.0.0.1).
	Host string
	// Env is the project's env and the deployment's overrides. The runner
	// adds PORT, MASTRA_HOST and OBS_DIR (which win), and passes nothing
	// of the admin's environment but PATH, HOME, locale and proxy settings.
	Env map[string]string
	// ObsDir is the server's observability folder (empty:
	// <Dir>/<deploymentId>/obs/<serverId>).
	ObsDir string
}

// Process is a started server: enough to find it again after a restart
// of the admin, and to tell it from a process that reused its PID.
type Process struct {
	ServerID     uuid.UUID
	DeploymentID uuid.UUID
	PID          int
	// StartTime is field 22 of /proc/<pid>/stat (clock ticks after boot).
	StartTime uint64
	Host      string
	Port      int
	ObsDir    string
	StartedAt time.Time
}

// Servers starts, watches and stops Mastra servers on this machine. Each
// runs in a session of its own, so it outlives the admin, with its
// output in files.
type Servers struct {
	cfg  ServersConfig
	node string

	mu       sync.Mutex
	children map[int]*child // servers this process started and reaps
}

// child is a server this process started: done closes once it is reaped.
type child struct {
	startTime uint64
	done      chan struct{}
	state     *os.ProcessState
}

// NewServers returns Servers after resolving the node binary.
func NewServers(cfg ServersConfig) (*Servers, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	name := cfg.Node
	if name == "" {
		name = "node"
	}
	node, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("servers: node not found (%s): set MASTRA_ADMIN_NODE: %w", name, err)
	}
	if node, err = filepath.Abs(node); err != nil {
		return nil, fmt.Errorf("servers: node %s: %w", name, err)
	}
	if cfg.User != nil {
		if err := passable(cfg.Dir); err != nil {
			return nil, fmt.Errorf("servers: user %s: %w", cfg.User.Name, err)
		}
	} else if err := os.MkdirAll(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("servers: create %s: %w", cfg.Dir, err)
	}
	return &Servers{cfg: cfg, node: node, children: map[int]*child{}}, nil
}

// LogPaths returns where a server's stdout and stderr go.
func (s *Servers) LogPaths(deploymentID, serverID uuid.UUID) (stdout, stderr string) {
	base := filepath.Join(s.cfg.Dir, deploymentID.String(), serverID.String())
	return base + ".stdout.log", base + ".stderr.log"
}

// Start starts `node <entry>` for spec in a session of its own and
// returns at once; WaitHealthy tells when it serves.
func (s *Servers) Start(ctx context.Context, spec ServerSpec) (Process, error) {
	if err := ctx.Err(); err != nil {
		return Process{}, fmt.Errorf("start server: %w", err)
	}
	entry, err := checkSpec(&spec)
	if err != nil {
		return Process{}, err
	}
	depDir := filepath.Join(s.cfg.Dir, spec.DeploymentID.String())
	work := filepath.Join(depDir, "work")
	if spec.ObsDir == "" {
		spec.ObsDir = filepath.Join(depDir, "obs", spec.ServerID.String())
	}
	if err := s.prepare(depDir, work, spec.ObsDir); err != nil {
		return Process{}, err
	}
	outPath, errPath := s.LogPaths(spec.DeploymentID, spec.ServerID)
	stdout, err := os.OpenFile(outPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return Process{}, fmt.Errorf("start server: %w", err)
	}
	defer stdout.Close()
	stderr, err := os.OpenFile(errPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return Process{}, fmt.Errorf("start server: %w", err)
	}
	defer stderr.Close()

	home := ""
	if s.cfg.User != nil {
		home = work // the admin's HOME is not the build user's
	}
	cmd := exec.Command(s.node, entry)
	cmd.Dir, cmd.Stdout, cmd.Stderr = work, stdout, stderr
	cmd.Env = serverEnv(filepath.Dir(s.node), home, spec)
	// No Pdeathsig: the server outlives the admin; Setsid: no signal
	// meant for the admin's group or terminal reaches it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: s.cfg.User.credential()}
	if err := cmd.Start(); err != nil {
		return Process{}, fmt.Errorf("start server %s: %w", spec.ServerID, err)
	}
	// Not reaped yet, so the PID is still this process's.
	info, err := readProc(cmd.Process.Pid)
	c := &child{startTime: info.startTime, done: make(chan struct{})}
	s.mu.Lock()
	s.children[cmd.Process.Pid] = c
	s.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		c.state = cmd.ProcessState
		close(c.done)
	}()
	if err != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return Process{}, fmt.Errorf("start server %s: %w", spec.ServerID, err)
	}
	p := Process{ServerID: spec.ServerID, DeploymentID: spec.DeploymentID, PID: cmd.Process.Pid, StartTime: info.startTime,
		Host: spec.Host, Port: spec.Port, ObsDir: spec.ObsDir, StartedAt: time.Now().UTC()}
	s.cfg.Logger.WithFields(logrus.Fields{"deployment_id": spec.DeploymentID, "server_id": spec.ServerID, "pid": p.PID,
		"port": p.Port}).Info("server started")
	return p, nil
}

// checkSpec fills spec's defaults and returns the entry's path.
func checkSpec(spec *ServerSpec) (string, error) {
	var errs []error
	if spec.ServerID == uuid.Nil || spec.DeploymentID == uuid.Nil {
		errs = append(errs, errors.New("a server ID and a deployment ID are needed"))
	}
	if spec.Port < 1 || spec.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d is not between 1 and 65535", spec.Port))
	}
	if spec.Host == "" {
		spec.Host = "127.0.0.1"
	}
	if !filepath.IsAbs(spec.ArtifactDir) {
		errs = append(errs, fmt.Errorf("artifact folder %q must be absolute", spec.ArtifactDir))
	}
	entry := filepath.Join(spec.ArtifactDir, spec.Entry)
	if spec.Entry == "" || filepath.IsAbs(spec.Entry) || !strings.HasPrefix(entry, filepath.Clean(spec.ArtifactDir)+string(filepath.Separator)) {
		errs = append(errs, fmt.Errorf("entry %q must be a file inside the artifact folder", spec.Entry))
	} else if fi, err := os.Stat(entry); err != nil || !fi.Mode().IsRegular() {
		errs = append(errs, fmt.Errorf("entry %s is not a file in the artifact", spec.Entry))
	}
	for k, v := range spec.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			errs = append(errs, fmt.Errorf("env var %q: a name may not be empty or hold '=' or NUL, a value may not hold NUL", k))
		}
	}
	if spec.ObsDir != "" && !filepath.IsAbs(spec.ObsDir) {
		errs = append(errs, fmt.Errorf("observability folder %q must be absolute", spec.ObsDir))
	}
	if err := errors.Join(errs...); err != nil {
		return "", fmt.Errorf("start server: %w", err)
	}
	return entry, nil
}

// prepare creates the deployment's folder (the admin's, passable), its
// working folder and the server's observability folder (the server
// user's; folders it creates above them are passable).
func (s *Servers) prepare(depDir, work, obs string) error {
	if err := os.MkdirAll(depDir, 0o711); err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	for _, d := range []string{work, obs} {
		if err := os.MkdirAll(filepath.Dir(d), 0o711); err != nil {
			return fmt.Errorf("start server: %w", err)
		}
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("start server: %w", err)
		}
		if s.cfg.User != nil {
			if err := os.Lchown(d, int(s.cfg.User.UID), int(s.cfg.User.GID)); err != nil {
				return fmt.Errorf("start server: give %s to %s: %w", d, s.cfg.User.Name, err)
			}
		}
	}
	return nil
}

// serverEnv is a server's environment: what buildEnv passes of the
// admin's (without npm's settings), spec.Env, then PORT, MASTRA_HOST and
// OBS_DIR. home, when set, replaces HOME.
func serverEnv(nodeDir, home string, spec ServerSpec) []string {
	vars := map[string]string{}
	for _, kv := range buildEnv(nodeDir) {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(strings.ToLower(k), "npm_config_") {
			vars[k] = v
		}
	}
	if home != "" {
		vars["HOME"] = home
	}
	for k, v := range spec.Env {
		vars[k] = v
	}
	vars["PORT"] = fmt.Sprint(spec.Port)
	vars["MASTRA_HOST"] = spec.Host
	vars["OBS_DIR"] = spec.ObsDir
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}
