package email

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Console logs emails instead of sending them.
type Console struct {
	Log *logrus.Entry
}

// SendInvite implements commands.Mailer.
func (c Console) SendInvite(_ context.Context, m commands.InviteMail) error {
	c.Log.WithFields(logrus.Fields{
		"to": m.To, "team": m.TeamName, "role": string(m.Role), "invited_by": m.InvitedBy,
		"accept_url": m.AcceptURL, "expires_at": m.ExpiresAt.Format(time.RFC3339),
	}).Info("invite email (console provider: not sent; share the link with the invitee)")
	return nil
}
