package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
)

// ErrServerGone is returned by Reattach for a server whose process is no
// longer there (or whose PID another process now has).
var ErrServerGone = errors.New("servers: the server's process is gone")

// ErrServerExited is returned by WaitHealthy when the server exits
// before it is healthy.
var ErrServerExited = errors.New("servers: the server exited before it was healthy")

// ErrNotHealthy is returned by WaitHealthy when the server does not
// answer GET /health with 200 in time.
var ErrNotHealthy = errors.New("servers: the server did not become healthy")

// Alive reports whether p's process is still running: the PID exists,
// is not a zombie, and started when p did.
func (s *Servers) Alive(p Process) bool {
	info, err := readProc(p.PID)
	return err == nil && info.startTime == p.StartTime && info.running()
}

// Reattach finds a server started before a restart of the admin by its
// PID and start time; it returns ErrServerGone when that process is not
// running any more (or the PID belongs to another process now).
func (s *Servers) Reattach(pid int, startTime uint64) (Process, error) {
	if pid <= 0 {
		return Process{}, fmt.Errorf("%w: pid %d", ErrServerGone, pid)
	}
	info, err := readProc(pid)
	switch {
	case errors.Is(err, errNoProcess):
		return Process{}, fmt.Errorf("%w: no process %d", ErrServerGone, pid)
	case err != nil:
		return Process{}, fmt.Errorf("reattach %d: %w", pid, err)
	case info.startTime != startTime:
		return Process{}, fmt.Errorf("%w: pid %d is another process now (started at tick %d, not %d)", ErrServerGone, pid, info.startTime, startTime)
	case !info.running():
		return Process{}, fmt.Errorf("%w: process %d has exited", ErrServerGone, pid)
	}
	return Process{PID: pid, StartTime: startTime}, nil
}

// Stop stops p: SIGTERM to its process group, SIGKILL after grace (0:
// the configured grace), or at once when ctx ends; then whatever is left
// of its session. A server already gone is stopped; a PID that another
// process reused is left alone.
func (s *Servers) Stop(ctx context.Context, p Process, grace time.Duration) error {
	if grace <= 0 {
		grace = s.cfg.StopGrace
	}
	log := s.cfg.Logger.WithFields(logrus.Fields{"deployment_id": p.DeploymentID, "server_id": p.ServerID, "pid": p.PID})
	defer s.forget(p)
	if p.PID <= 0 {
		return nil
	}
	info, err := readProc(p.PID)
	switch {
	case err != nil && !errors.Is(err, errNoProcess):
		return fmt.Errorf("stop server %d: %w", p.PID, err)
	case err == nil && info.startTime != p.StartTime:
		log.Warn("server's pid belongs to another process now; not signalled")
		return nil
	case err == nil && info.running():
		_ = syscall.Kill(-p.PID, syscall.SIGTERM)
		if !s.waitGone(ctx, p, grace) {
			log.WithField("grace", grace.String()).Warn("server ignored SIGTERM; killing it")
			_ = syscall.Kill(-p.PID, syscall.SIGKILL)
			s.waitGone(context.Background(), p, 5*time.Second)
		}
	}
	// The leader is gone (or a zombie): while a process of its session
	// is left, its PID cannot have been reused, so the rest is its own.
	for _, pid := range sessionMembers(p.PID) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return nil
}

// waitGone waits up to d for p's leader to exit; false if it did not.
func (s *Servers) waitGone(ctx context.Context, p Process, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if !s.Alive(p) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-deadline.C:
			return !s.Alive(p)
		case <-tick.C:
		}
	}
}

// forget drops what this process kept of a stopped child.
func (s *Servers) forget(p Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.children[p.PID]; ok && c.startTime == p.StartTime {
		select {
		case <-c.done:
			delete(s.children, p.PID)
		default: // not reaped yet: its goroutine still needs it
		}
	}
}

// exited returns a description of how p exited when this process
// reaped it, "" when it is unknown or p still runs.
func (s *Servers) exited(p Process) (string, bool) {
	s.mu.Lock()
	c, ok := s.children[p.PID]
	s.mu.Unlock()
	if ok && c.startTime == p.StartTime {
		select {
		case <-c.done:
			return c.state.String(), true
		default:
			return "", false
		}
	}
	return "", !s.Alive(p)
}

// WaitHealthy waits until GET http://host:port/health answers 200 from a
// socket of p's session, for at most timeout (0: the configured one). It
// fails early, with the exit status and the end of stderr, when the
// server exits.
func (s *Servers) WaitHealthy(ctx context.Context, p Process, port int, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = s.cfg.HealthTimeout
	}
	host := p.Host
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/health"
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	deadline := time.Now().Add(timeout)
	last := "no answer yet"
	began := time.Now()
	for wait := fastProbe; ; wait = nextProbeWait(time.Since(began), wait) {
		if status, gone := s.exited(p); gone {
			return s.exitError(p, status)
		}
		if ok, why := probe(ctx, client, url, time.Until(deadline)); ok {
			if listens, known := sessionListensOn(p.PID, port); listens || !known {
				return nil
			}
			last = "200 from a process that is not the server (the port is taken)"
		} else if time.Until(deadline) > 0 || last == "no answer yet" {
			last = why // a probe the deadline cut short says less than the one before
		}
		if status, gone := s.exited(p); gone {
			return s.exitError(p, status)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%w: GET %s did not answer 200 within %s (last: %s)", ErrNotHealthy, url, timeout, last)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for server %d: %w", p.PID, context.Cause(ctx))
		case <-time.After(min(wait, left)):
		}
	}
}

// Health probes of a starting server: every fastProbe while it has been
// waited for less than fastProbing (a refused connection on the host costs
// microseconds, and the wait between the server's first answer and the
// probe that sees it delays the deploy), then twice as long each time, up
// to slowProbe.
const (
	fastProbe   = 10 * time.Millisecond
	fastProbing = 2 * time.Second
	slowProbe   = 250 * time.Millisecond
)

// nextProbeWait is the wait before the next health probe, elapsed after
// the wait began and prev after the last probe.
func nextProbeWait(elapsed, prev time.Duration) time.Duration {
	if elapsed < fastProbing {
		return fastProbe
	}
	return min(max(prev*2, fastProbe), slowProbe)
}

// probe sends one GET; ok when it answers 200, else why not.
func probe(ctx context.Context, client *http.Client, url string, left time.Duration) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, min(max(left, 10*time.Millisecond), 2*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, resp.Status
}

// exitError says that p exited, how, and what it wrote last on stderr.
func (s *Servers) exitError(p Process, status string) error {
	if status == "" {
		status = "exit status unknown"
	}
	tail, err := s.StderrTail(p.DeploymentID, p.ServerID, 20)
	if err != nil || tail == "" {
		return fmt.Errorf("%w (%s); stderr is empty", ErrServerExited, status)
	}
	return fmt.Errorf("%w (%s); stderr ends with:\n%s", ErrServerExited, status, tail)
}

// StderrTail returns the last n lines of a server's stderr.
func (s *Servers) StderrTail(deploymentID, serverID uuid.UUID, n int) (string, error) {
	_, path := s.LogPaths(deploymentID, serverID)
	return tailLines(path, n)
}

// tailLines returns the last n lines of the file at path, reading at
// most its last 64 KiB.
func tailLines(path string, n int) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read log: %w", err)
	}
	defer f.Close()
	const window = 64 << 10
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("read log: %w", err)
	}
	off := max(fi.Size()-window, 0)
	b := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read log: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if off > 0 && len(lines) > 1 {
		lines = lines[1:] // the first one is cut
	}
	if n > 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n"), nil
}
