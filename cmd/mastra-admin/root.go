package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
)

// app is what every subcommand shares: the configuration, bound to the
// environment and to the root's persistent flags, and the output streams.
// A subcommand gets it in its constructor, newXxxCmd(a *app), and calls
// a.loadConfig or a.loadConfigAndLogger at the start of its RunE.
type app struct {
	cfg    config.Config // environment over defaults; flags write into it when parsed
	envErr error         // values in the environment that did not parse
	stdout io.Writer
	stderr io.Writer
	// running is set when a command's own run function starts; errors
	// before that are cobra's usage errors.
	running bool
}

func newApp(lookup func(string) (string, bool), stdout, stderr io.Writer) *app {
	cfg, err := config.Load(lookup)
	return &app{cfg: cfg, envErr: err, stdout: stdout, stderr: stderr}
}

// addCommands registers the subcommands. Add new ones here, one line each:
// root.AddCommand(newServeCmd(a)). Do I/O in RunE, never in PreRunE: an
// error returned before RunE starts is reported as bad usage (exit 2).
func addCommands(root *cobra.Command, a *app) {
	root.AddCommand(newMigrateCmd(a))
	root.AddCommand(newServeCmd(a))
	root.AddCommand(newWorkerCmd(a))
	root.AddCommand(newRouterCmd(a))
	root.AddCommand(newIngestCmd(a))
	root.AddCommand(newTokenCmd(a))
	root.AddCommand(newReplayCmd(a))
	root.AddCommand(newEventsCmd(a))
	root.AddCommand(newAuditCmd(a))
	root.AddCommand(newLicenseCmd(a))
	root.AddCommand(newKeysCmd(a))
	root.AddCommand(newVersionCmd(a))
}

// newRootCmd builds the whole command tree.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "mastra-admin",
		Short: "Self-hosted control plane for Mastra servers",
		Long: `MastraAdmin runs many Mastra servers for many teams: projects, deployments,
builds, routing and observability, event-sourced on Postgres.

Every configuration variable can be set in the environment or with the flag
of the same name, lower-cased with dashes (DATABASE_URL is --database-url);
flags win.`,
		Version:       versionString(),
		SilenceErrors: true, // run prints errors once, as "mastra-admin: <message>"
		SilenceUsage:  true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	a.cfg.BindFlags(root.PersistentFlags())
	addCommands(root, a)
	a.wrapRun(root)
	return root
}

// loadConfig returns the configuration after flags were parsed, validated.
// A bad configuration is a usageError listing every problem.
func (a *app) loadConfig() (config.Config, error) {
	if err := errors.Join(a.envErr, a.cfg.Validate()); err != nil {
		return config.Config{}, usageError{invalidConfigError{err}}
	}
	return a.cfg, nil
}

// loadConfigAndLogger returns the validated configuration and a logger
// built from it that writes to the command's stderr.
func (a *app) loadConfigAndLogger() (config.Config, *logrus.Entry, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return cfg, nil, err
	}
	log, err := config.NewLogger(cfg)
	if err != nil {
		return cfg, nil, usageError{err}
	}
	if a.stderr != os.Stderr {
		log.Logger.SetOutput(a.stderr)
	}
	return cfg, log, nil
}

// invalidConfigError lists configuration problems one per line.
type invalidConfigError struct{ err error }

func (e invalidConfigError) Error() string {
	return "invalid configuration:\n  " + strings.ReplaceAll(e.err.Error(), "\n", "\n  ")
}

func (e invalidConfigError) Unwrap() error { return e.err }

// wrapRun walks the tree under cmd. A command that only groups subcommands
// gets a run function that prints help and rejects unknown subcommands as
// bad usage; every run function is wrapped to set a.running when it starts.
func (a *app) wrapRun(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		a.wrapRun(c)
	}
	if cmd.HasSubCommands() && !cmd.Runnable() {
		cmd.Args = unknownSubcommand
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			a.running = true
			return run(c, args)
		}
	} else if run := cmd.Run; run != nil {
		cmd.Run = func(c *cobra.Command, args []string) {
			a.running = true
			run(c, args)
		}
	}
}

// unknownSubcommand rejects any argument of a command that only groups
// subcommands, suggesting the closest names.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageError{errors.New(msg)}
}
