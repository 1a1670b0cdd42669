package user_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Alice@Example.COM": "alice@example.com", "  bob@example.com ": "bob@example.com"} {
		got, err := user.NormalizeEmail(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "alice", "Alice <alice@example.com>", "a@", "@example.com", "a b@example.com"} {
		_, err := user.NormalizeEmail(bad)
		assert.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	id, tok := uuid.New(), uuid.New()
	u, err := user.Evolve(user.User{}, user.Registered{UserID: id, Email: "a@example.com", Name: "a", At: now})
	require.NoError(t, err)

	evs, err := user.IssueToken{TokenID: tok, Name: " cli ", Prefix: "abcd1234", Secret: "s3cret", At: now}.Decide(u)
	require.NoError(t, err)
	issued := evs[0].(user.TokenIssued)
	assert.Equal(t, "cli", issued.Name)
	assert.Equal(t, user.HashSecret("s3cret"), issued.SecretHash)
	assert.NotContains(t, issued.SecretHash, "s3cret")
	assert.True(t, user.SecretMatches("s3cret", issued.SecretHash))
	assert.False(t, user.SecretMatches("s3creT", issued.SecretHash))
	u, err = user.Evolve(u, issued)
	require.NoError(t, err)

	past := now.Add(-time.Second)
	_, err = user.IssueToken{TokenID: uuid.New(), Name: "x", At: now, ExpiresAt: &past}.Decide(u)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	_, err = user.IssueToken{TokenID: uuid.New(), Name: "", At: now}.Decide(u)
	assert.ErrorIs(t, err, domain.ErrInvalid)

	evs, err = user.RevokeToken{TokenID: tok, At: now}.Decide(u)
	require.NoError(t, err)
	u, err = user.Evolve(u, evs[0])
	require.NoError(t, err)
	_, err = user.RevokeToken{TokenID: tok, At: now}.Decide(u)
	assert.ErrorIs(t, err, domain.ErrConflict)
	_, err = user.RevokeToken{TokenID: uuid.New(), At: now}.Decide(u)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}
