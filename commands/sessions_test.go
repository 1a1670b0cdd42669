package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

func TestSessionsExpireAndArePruned(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	u, err := env.Admin.EnsureUser(ctx, "ada@example.com", "", false)
	require.NoError(t, err)
	tok, err := env.Admin.CreateToken(ctx, commands.System, u.ID, "test", nil)
	require.NoError(t, err)

	s, err := env.Sessions.SignIn(ctx, tok.Token)
	require.NoError(t, err)
	got, err := env.Sessions.Resolve(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, u.ID, got.Principal.UserID)
	assert.True(t, got.CSRFMatches(s.CSRFToken))
	assert.False(t, got.CSRFMatches(""))
	assert.False(t, got.CSRFMatches(s.CSRFToken+"x"))

	for _, bad := range []string{"", "nope", s.ID + "x", string(make([]byte, 500))} {
		_, err := env.Sessions.Resolve(ctx, bad)
		assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err), "%q", bad)
	}
	_, err = env.Sessions.SignIn(ctx, "mat_bad")
	assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err))

	// A clock past the TTL: the session is over, and pruning removes it.
	master, err := crypto.GenerateMasterKey()
	require.NoError(t, err)
	later, err := commands.NewSessions(commands.SessionsConfig{Admin: env.Admin, Store: pgstore.Sessions{DB: env.DB.Pool},
		Cipher: crypto.NewEnvelope(env.DB.Pool, master), Clock: stillClock{t: time.Now().Add(13 * time.Hour)}})
	require.NoError(t, err)
	_, err = later.Resolve(ctx, s.ID)
	assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err))
	n, err := later.Prune(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	_, err = env.Sessions.Resolve(ctx, s.ID)
	assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err), "pruned")
}
