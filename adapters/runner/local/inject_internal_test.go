package local

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// injectFunc is an Injector made of a function.
type injectFunc func(ctx context.Context, job InjectJob) error

func (f injectFunc) Inject(ctx context.Context, job InjectJob) error { return f(ctx, job) }

// TestInjectorRunsCommandsAsTheBuildUser: the Injector gets the bundle
// and a Run that looks names up on the build's PATH, runs in the bundle
// by default, feeds stdin, hands stdout back and logs the command line;
// as root, its commands run as the build user.
func TestInjectorRunsCommandsAsTheBuildUser(t *testing.T) {
	t.Parallel()
	var as *Account
	root := t.TempDir()
	out := filepath.Join(root, "output")
	require.NoError(t, os.Mkdir(out, 0o755))
	if os.Geteuid() == 0 {
		var err error
		as, err = LookupAccount("nobody")
		require.NoError(t, err)
		require.NoError(t, os.Chmod(root, 0o711))
		require.NoError(t, os.Chmod(filepath.Dir(root), 0o711)) // t.TempDir makes it 0700
		require.NoError(t, as.own(out))
	}
	var got InjectJob
	var stdout bytes.Buffer
	b := &Builder{cfg: Config{User: as, Injector: injectFunc(func(ctx context.Context, job InjectJob) error {
		got = job
		return job.Run(ctx, Cmd{Name: "sh", Args: []string{"-c", "cat > " + EntryFile + "; id -u; pwd"},
			Stdin: strings.NewReader("export {};\n"), Stdout: &stdout})
	})}}
	assert.Equal(t, EntryFile, b.Entry())
	var log bytes.Buffer
	require.NoError(t, b.inject(context.Background(), out, "/opt/node/bin/node", buildEnv("/nonexistent"), &log), log.String())
	assert.Equal(t, out, got.Dir)
	assert.Equal(t, "/opt/node/bin/node", got.Node)
	data, err := os.ReadFile(filepath.Join(out, EntryFile))
	require.NoError(t, err)
	assert.Equal(t, "export {};\n", string(data))
	uid := strconv.Itoa(os.Geteuid())
	if as != nil {
		uid = strconv.Itoa(int(as.UID))
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 2, stdout.String())
	assert.Equal(t, uid, lines[0], "run as the build user (when there is one)")
	assert.Equal(t, out, lines[1], "run in the bundle")
	assert.Contains(t, log.String(), "==> inject the MastraAdmin entry\n$ ")
	assert.Contains(t, log.String(), "/sh -c cat > "+EntryFile)
	assert.NotContains(t, log.String(), "export {}", "stdout went to the injector, not the log")
}

func TestInjectorFailuresFailTheBuild(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	ctx := context.Background()
	for name, c := range map[string]struct {
		inject func(ctx context.Context, job InjectJob) error
		want   string
	}{
		"its error": {func(context.Context, InjectJob) error { return errors.New("the project's Mastra is too old") },
			"inject the MastraAdmin entry: the project's Mastra is too old"},
		"no entry written": {func(context.Context, InjectJob) error { return nil },
			"inject the MastraAdmin entry: the bundle has no " + EntryFile + " afterwards"},
		"unknown program": {func(ctx context.Context, job InjectJob) error { return job.Run(ctx, Cmd{Name: "no-such-program-here"}) },
			"no-such-program-here is not installed on the build machine"},
		"failing command": {func(ctx context.Context, job InjectJob) error {
			return job.Run(ctx, Cmd{Name: "/bin/sh", Args: []string{"-c", "echo broken >&2; exit 3"}})
		}, "exit status 3"},
	} {
		b := &Builder{cfg: Config{Injector: injectFunc(c.inject)}}
		var log bytes.Buffer
		err := b.inject(ctx, out, "/bin/node", buildEnv("/nonexistent"), &log)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), c.want, name)
	}
	assert.Equal(t, PlainEntryFile, (&Builder{}).Entry(), "no injector: servers run index.mjs")
}
