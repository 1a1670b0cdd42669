package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Exit statuses of the contract.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit status. It reads
// the environment only through lookup, so tests run it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	a := newApp(lookup, stdout, stderr)
	root := newRootCmd(a)
	root.SetArgs(args)
	// Events recorded by one invocation share a request id.
	ctx = commands.WithRequest(ctx, commands.RequestInfo{RequestID: "cli-" + uuid.Must(uuid.NewV7()).String()})
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "mastra-admin: %v\n", err)
	if a.isUsage(err) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return exitUsage
	}
	return exitFailure
}

// usageError marks an error as bad usage: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf returns a usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// isUsage reports whether err, returned by executing the root command, is
// bad usage: a usageError, or any error cobra returned before a command's
// run function started (unknown command or flag, bad flag value, wrong
// arguments, missing required flag).
func (a *app) isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue) || !a.running
}
