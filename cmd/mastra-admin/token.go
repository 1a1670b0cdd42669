package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	core "github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/projections"
)

func newTokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var (
		email, name string
		admin       bool
	)
	create := &cobra.Command{
		Use:   "create --email E [--admin] [--name N]",
		Short: "Create a user if missing and print a new API token",
		Long: `Create the user with this email if missing (--admin makes them a platform
admin) and print a new personal API token alone on stdout. The token is
stored only as a hash; it cannot be shown again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if email == "" {
				return usageErrorf("--email is required")
			}
			return a.withCore(cmd, func(ctx context.Context, _ config.Config, c *core.App) error {
				u, err := c.Admin.EnsureUser(ctx, email, "", admin)
				if err != nil {
					return err
				}
				tok, err := c.Admin.CreateToken(ctx, commands.System, u.ID, name, nil)
				if err != nil {
					return err
				}
				// Apply the new events to the users read model now, so the token
				// works at once whether or not a server is running.
				if _, err := projections.CatchUp(ctx, c.Store, projections.Users{}, projections.Options{}); err != nil {
					return fmt.Errorf("update users read model: %w", err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), tok.Token)
				return nil
			})
		},
	}
	create.Flags().StringVar(&email, "email", "", "the user's email (required)")
	create.Flags().StringVar(&name, "name", "cli", "a name for the token")
	create.Flags().BoolVar(&admin, "admin", false, "make the user a platform admin")
	cmd.AddCommand(create)
	return cmd
}
