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

// killGrace is how long a cancelled command's leader has between SIGTERM
// and SIGKILL; the rest of its process group is killed once it exits.
const killGrace = 3 * time.Second

// run runs a command in dir with its output in log, in a process group of
// its own that is killed when ctx ends or the admin dies, as the account
// (nil: the admin's own user).
func run(ctx context.Context, dir string, env []string, as *Account, log io.Writer, name string, args ...string) error {
	return runIO(ctx, dir, env, as, nil, log, log, name, args...)
}

// runIO is run with the command's input (nil: none) and its output
// apart from its errors; the command line goes to stderr.
func runIO(ctx context.Context, dir string, env []string, as *Account, stdin io.Reader, stdout, stderr io.Writer,
	name string, args ...string) error {
	if stderr != io.Discard {
		fmt.Fprintf(stderr, "$ %s %s\n", name, strings.Join(args, " "))
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = dir, env, stdin, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: as.credential()}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = killGrace // then the leader gets SIGKILL
	err := cmd.Run()
	if cmd.Process != nil {
		// Whatever is left of the group (background children of install
		// scripts, or of a cancelled command) goes with the command.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s stopped: %w", name, context.Cause(ctx))
		}
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
