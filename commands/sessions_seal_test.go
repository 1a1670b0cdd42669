package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// TestSealedValues: what the dashboard hands the browser between a
// sign-in's start and its return opens only unaltered, for its purpose,
// and until it expires.
func TestSealedValues(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	env := apptest.Start(t, func(c *app.Config) { c.Commands.Clock = clock })
	ctx := context.Background()
	s := env.Sessions

	sealed, err := s.Seal(ctx, "oidc", []byte("state and nonce"), 10*time.Minute)
	require.NoError(t, err)
	assert.NotContains(t, sealed, "state")
	got, err := s.Open(ctx, "oidc", sealed)
	require.NoError(t, err)
	assert.Equal(t, "state and nonce", string(got))

	flip := []byte(sealed)
	flip[len(flip)-3] ^= 1
	nonce, _, _ := strings.Cut(sealed, ".")
	for name, bad := range map[string]string{"altered": string(flip), "empty": "", "no dot": "abc", "nonce only": nonce + ".",
		"not base64": "!!.!!"} {
		_, err := s.Open(ctx, "oidc", bad)
		assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err), name)
	}
	_, err = s.Open(ctx, "supabase", sealed)
	assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err), "sealed for another purpose")

	clock.set(clock.Now().Add(10 * time.Minute))
	_, err = s.Open(ctx, "oidc", sealed)
	assert.Equal(t, domain.KindUnauthenticated, domain.KindOf(err), "expired")
}

func TestSignInLicensed(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.License = license.License{Tier: license.Enterprise, Features: []string{license.FeatureS3}}
	})
	assert.NoError(t, env.Admin.SignInLicensed(""))
	err := env.Admin.SignInLicensed(license.FeatureOIDC)
	assert.ErrorIs(t, err, domain.ErrLicenseRequired)
	assert.ErrorContains(t, err, `needs a license with the "oidc" feature`)
}
