package user_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

func TestLinkIdentity(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	id := uuid.New()
	link := user.LinkIdentity{Issuer: "https://idp.example.com", Subject: "u-1", Email: "ada@example.com", At: now}
	_, err := link.Decide(user.User{ID: id})
	assert.ErrorIs(t, err, domain.ErrNotFound, "no user to link to")

	u, err := user.Evolve(user.User{}, user.Registered{UserID: id, Email: "ada@example.com", Name: "ada", At: now})
	require.NoError(t, err)
	evs, err := link.Decide(u)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, user.IdentityLinked{UserID: id, Issuer: "https://idp.example.com", Subject: "u-1", Email: "ada@example.com", At: now}, evs[0])
	u, err = user.Evolve(u, evs[0])
	require.NoError(t, err)

	evs, err = link.Decide(u)
	require.NoError(t, err)
	assert.Empty(t, evs, "linked already: nothing to record")

	other := link
	other.Subject = "u-2"
	_, err = other.Decide(u)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "another subject of the same issuer never becomes this user")

	supabase := link
	supabase.Issuer, supabase.Subject = "https://x.supabase.co/auth/v1", "8f0c"
	evs, err = supabase.Decide(u)
	require.NoError(t, err, "one subject per issuer: another provider may link too")
	assert.Len(t, evs, 1)

	for name, bad := range map[string]user.LinkIdentity{
		"no issuer":        {Subject: "s", Email: "ada@example.com", At: now},
		"no subject":       {Issuer: "i", Email: "ada@example.com", At: now},
		"long subject":     {Issuer: "i", Subject: strings.Repeat("s", 1025), Email: "ada@example.com", At: now},
		"NUL":              {Issuer: "i", Subject: "s\x00", Email: "ada@example.com", At: now},
		"unnormalized":     {Issuer: "i", Subject: "s", Email: "Ada@example.com", At: now},
		"not an addr-spec": {Issuer: "i", Subject: "s", Email: "ada", At: now},
	} {
		_, err := bad.Decide(u)
		assert.ErrorIs(t, err, domain.ErrInvalid, name)
	}
}

func TestRegisterTakesOnlyNormalizedEmails(t *testing.T) {
	t.Parallel()
	_, err := user.Register{UserID: uuid.New(), Email: "Ada@Example.com"}.Decide(user.User{})
	assert.ErrorIs(t, err, domain.ErrInvalid, "the read model and the email claim would hold another spelling than lookups")
	evs, err := user.Register{UserID: uuid.New(), Email: "ada@example.com"}.Decide(user.User{})
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", evs[0].(user.Registered).Email)
}
