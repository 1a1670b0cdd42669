package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/auditchain"
	"github.com/mastra-admin/mastra-admin/adapters/auditexport"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

func newAuditCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Export and verify the tamper-evident audit log"}
	cmd.AddCommand(newAuditExportCmd(a), newAuditVerifyCmd(a))
	return cmd
}

func newAuditExportCmd(a *app) *cobra.Command {
	var team, since, format, outPath string
	c := &cobra.Command{
		Use:   "export [--team T] [--since TIME] [--format jsonl|csv] [--out FILE]",
		Short: "Export the audit log, hash-chained and signed",
		Long: `Write the audit log (one entry per event, with its actor) as JSONL or CSV.
Every line carries a SHA-256 hash chained to the previous line, and a final
trailer holds the count, the head hash and an HMAC under the key in the data
directory (` + auditexport.KeyFile + `). "audit verify" detects any edited,
removed, duplicated or reordered line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := auditchain.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			var q commands.AuditQuery
			if team != "" {
				id, err := uuid.Parse(team)
				if err != nil {
					return usageErrorf("--team %q is not a team id", team)
				}
				q.TeamID = &id
			}
			if since != "" {
				if q.Since, err = time.Parse(time.RFC3339Nano, since); err != nil {
					return usageErrorf("--since %q is not an RFC 3339 time", since)
				}
			}
			return a.withCore(cmd, func(ctx context.Context, cfg config.Config, c *core.App) error {
				key, err := auditexport.LoadOrCreateKey(cfg.DataDir)
				if err != nil {
					return err
				}
				return writeTo(outPath, cmd.OutOrStdout(), func(w io.Writer) error {
					res, err := auditexport.Export(ctx, c.Admin, commands.System, q, w, f, auditchain.Options{Key: key})
					if err == nil {
						c.Logger().WithField("entries", res.Count).WithField("head", res.Head).Info("audit export written")
					}
					return err
				})
			})
		},
	}
	c.Flags().StringVar(&team, "team", "", "only this team's entries (team id)")
	c.Flags().StringVar(&since, "since", "", "only entries recorded at or after this RFC 3339 time")
	c.Flags().StringVar(&format, "format", "jsonl", "jsonl or csv")
	c.Flags().StringVar(&outPath, "out", "", "file to write (default stdout)")
	return c
}

// writeTo runs write against the file at path (atomically: a temporary
// file renamed into place on success) or against stdout when path is empty.
func writeTo(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".audit-export-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func newAuditVerifyCmd(a *app) *cobra.Command {
	var keyFile string
	c := &cobra.Command{
		Use:   "verify FILE",
		Short: "Verify an audit export; exit 1 on any edit, removal or reordering",
		Long: `Check the hash chain, the sequence numbers and the trailer of an export made
by "audit export", and its HMAC with the data directory's key (or --key-file)
when that key is present. Exit 0 when the export is intact; exit 1 naming the
first bad line otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			if keyFile == "" {
				keyFile = filepath.Join(cfg.DataDir, auditexport.KeyFile)
			}
			key, err := auditexport.LoadKey(keyFile)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open export: %w", err)
			}
			defer f.Close()
			rep, err := auditchain.Verify(bufio.NewReaderSize(f, 1<<20), auditchain.VerifyOptions{Key: key})
			if err != nil {
				var le *auditchain.LineError
				if errors.As(err, &le) {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				return fmt.Errorf("verify %s: %w", args[0], err)
			}
			sig := "signature verified"
			switch {
			case !rep.Signed:
				sig = "not signed"
			case !rep.SignatureChecked:
				sig = "signature not checked (no key at " + keyFile + ")"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %d entries, %s, head %s, %s\n", rep.Count, rep.Format, rep.Head, sig)
			return nil
		},
	}
	c.Flags().StringVar(&keyFile, "key-file", "", "HMAC key the export was signed with (default: the data directory's)")
	return c
}
