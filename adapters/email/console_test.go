package email_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/email"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

func TestConsoleLogsTheInviteLink(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	l := logrus.New()
	l.SetOutput(&out)
	l.SetFormatter(&logrus.JSONFormatter{})
	m := commands.InviteMail{To: "bob@example.com", TeamName: "Acme", Role: domain.RoleDeveloper, InvitedBy: "alice@example.com",
		AcceptURL: "http://127.0.0.1:3001/api/invites/inv_abc/accept", ExpiresAt: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, email.Console{Log: logrus.NewEntry(l)}.SendInvite(context.Background(), m))
	var line map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &line))
	assert.Equal(t, "bob@example.com", line["to"])
	assert.Equal(t, m.AcceptURL, line["accept_url"])
	assert.Equal(t, "developer", line["role"])
	assert.Equal(t, "2026-11-30T00:00:00Z", line["expires_at"])
}
