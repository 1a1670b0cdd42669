package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// passedEnv are the admin's environment variables a build sees; nothing
// else (the database URL, the encryption and license keys, provider
// secrets) reaches a project's code.
var passedEnv = []string{"HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "http_proxy", "https_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"}

// buildEnv is the environment of a build's commands: node's folder first
// on PATH, the passed variables, npm's settings, and extra.
func buildEnv(nodeDir string, extra ...string) []string {
	env := []string{"PATH=" + nodeDir + string(os.PathListSeparator) + os.Getenv("PATH")}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(strings.ToLower(name), "npm_config_") {
			env = append(env, kv)
		}
	}
	for _, name := range passedEnv {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return append(env, extra...)
}

// killGrace is how long a cancelled command's process group has between
// SIGTERM and SIGKILL.
const killGrace = 3 * time.Second

// run runs a command in dir with its output in log, in a process group of
// its own that is killed when ctx ends or the admin dies.
func run(ctx context.Context, dir string, env []string, log io.Writer, name string, args ...string) error {
	fmt.Fprintf(log, "$ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		go func() {
			time.Sleep(killGrace)
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}()
		return nil
	}
	cmd.WaitDelay = 2 * killGrace
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s stopped: %w", name, context.Cause(ctx))
		}
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
