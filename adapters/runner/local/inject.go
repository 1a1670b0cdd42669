package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// EntryFile is the file in a bundle that servers run when the build
// injected the wrapper entry (Config.Injector); PlainEntryFile is the one
// `mastra build` writes, which servers run otherwise.
const (
	EntryFile      = "mastra-admin-entry.mjs"
	PlainEntryFile = "index.mjs"
)

// Injector adds to a built bundle what MastraAdmin needs to run it: the
// wrapper entry (EntryFile) and the packages it imports. The Builder
// calls it after `mastra build`; its error fails the build.
type Injector interface {
	Inject(ctx context.Context, job InjectJob) error
}

// InjectJob is a built bundle handed to an Injector.
type InjectJob struct {
	// Dir is the bundle: the build's .mastra/output. It belongs to the
	// build user: write into it only through Run.
	Dir string
	// Node is the build's node binary (absolute).
	Node string
	// Log is the build log.
	Log io.Writer
	// Run runs a command as the build's other commands run: as the build
	// user, with the build's environment, in a process group of its own
	// that goes when ctx ends.
	Run func(ctx context.Context, cmd Cmd) error
}

// Cmd is a command an Injector runs.
type Cmd struct {
	// Dir is the working folder (empty: the bundle).
	Dir string
	// Name is the program: an absolute path, or a name looked up on the
	// build's PATH (node's folder first).
	Name string
	Args []string
	// Stdin is the command's input (nil: none).
	Stdin io.Reader
	// Stdout receives its output (nil: the build log). Its errors always
	// go to the build log.
	Stdout io.Writer
}

// Entry is the file in this Builder's bundles that servers run.
func (b *Builder) Entry() string {
	if b.cfg.Injector != nil {
		return EntryFile
	}
	return PlainEntryFile
}

// inject runs the configured Injector on the bundle at out, then checks
// that it wrote the entry.
func (b *Builder) inject(ctx context.Context, out, node string, env []string, log io.Writer) error {
	job := InjectJob{Dir: out, Node: node, Log: log, Run: func(ctx context.Context, c Cmd) error {
		if c.Name == "" {
			return errors.New("run: no program")
		}
		name := c.Name
		if !filepath.IsAbs(name) {
			p, err := lookPath(name, env)
			if err != nil {
				return fmt.Errorf("%s is not installed on the build machine: %w", name, err)
			}
			name = p
		}
		dir := c.Dir
		if dir == "" {
			dir = out
		}
		stdout := c.Stdout
		if stdout == nil {
			stdout = log
		}
		return runIO(ctx, dir, env, b.cfg.User, c.Stdin, stdout, log, name, c.Args...)
	}}
	fmt.Fprintln(log, "==> inject the MastraAdmin entry")
	if err := b.cfg.Injector.Inject(ctx, job); err != nil {
		return fmt.Errorf("inject the MastraAdmin entry: %w", err)
	}
	if !isFile(filepath.Join(out, EntryFile)) {
		return fmt.Errorf("inject the MastraAdmin entry: the bundle has no %s afterwards", EntryFile)
	}
	return nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
