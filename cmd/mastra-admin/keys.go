package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

func newKeysCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the env var encryption key"}
	var newKey, newKeyFile string
	rotate := &cobra.Command{
		Use:   "rotate [--new-key-file FILE | --new-key BASE64]",
		Short: "Re-wrap every project's data key under a new master key",
		Long: `Re-wrap every project's data key under a new master key; events are not
touched. With the key in the data directory (the default), a new key is
made and replaces it. With MASTRA_ADMIN_ENCRYPTION_KEY set, pass the new key
in a file with --new-key-file (or, where the command line is not seen by
others, with --new-key), then set the variable to it. Restart every
mastra-admin process afterwards.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if newKeyFile != "" {
				if newKey != "" {
					return usageErrorf("--new-key and --new-key-file exclude each other")
				}
				raw, err := os.ReadFile(newKeyFile)
				if err != nil {
					return fmt.Errorf("read the new key: %w", err)
				}
				newKey = strings.TrimSpace(string(raw))
			}
			return a.withCore(cmd, func(ctx context.Context, cfg config.Config, c *core.App) error {
				return rotateKeys(ctx, cmd, cfg, c, newKey)
			})
		},
	}
	rotate.Flags().StringVar(&newKeyFile, "new-key-file", "", "file holding the new master key, base64 (needed when MASTRA_ADMIN_ENCRYPTION_KEY is set)")
	rotate.Flags().StringVar(&newKey, "new-key", "", "the new master key, base64 (visible to other users in the process list: prefer --new-key-file)")
	cmd.AddCommand(rotate)
	return cmd
}

func rotateKeys(ctx context.Context, cmd *cobra.Command, cfg config.Config, c *core.App, newKey string) error {
	configured := cfg.EncryptionKey.Reveal()
	old, err := crypto.LoadOrCreate(configured, cfg.DataDir)
	if err != nil {
		return err
	}
	if configured != "" && newKey == "" {
		return usageErrorf("MASTRA_ADMIN_ENCRYPTION_KEY is set: pass the new key with --new-key")
	}
	var next crypto.MasterKey
	if newKey != "" {
		if next, err = crypto.ParseMasterKey(newKey); err != nil {
			return usageError{err}
		}
	} else if next, err = crypto.GenerateMasterKey(); err != nil {
		return err
	}
	keyPath := filepath.Join(cfg.DataDir, crypto.KeyFile)
	pending := keyPath + ".new"
	if configured == "" {
		// The new key is on disk before any data key depends on it.
		if err := crypto.WriteKeyFile(pending, next); err != nil {
			return fmt.Errorf("save the new key first: %w", err)
		}
		if err := syncFile(pending); err != nil {
			return err
		}
	}
	n, err := crypto.Rotate(ctx, c.Store.Pool(), old, next)
	if err != nil {
		if configured == "" {
			_ = os.Remove(pending)
		}
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "re-wrapped %d data keys from %s to %s\n", n, old.ID, next.ID)
	if configured != "" {
		fmt.Fprintln(out, "now set MASTRA_ADMIN_ENCRYPTION_KEY to the new key and restart every mastra-admin process")
		return nil
	}
	if err := os.Rename(pending, keyPath); err != nil {
		return fmt.Errorf("the data keys now need the key in %s; moving it to %s failed: %w", pending, keyPath, err)
	}
	fmt.Fprintf(out, "the new key replaced %s; restart every mastra-admin process\n", keyPath)
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
