package license_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/license"
	domain "github.com/mastra-admin/mastra-admin/domain/license"
)

func TestIssueAndVerify(t *testing.T) {
	t.Parallel()
	pub, priv, err := license.GenerateKey()
	require.NoError(t, err)
	exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	want := domain.License{ID: "lic-1", Tier: domain.Enterprise, Organization: "Acme", Features: []string{domain.FeatureOIDC},
		Limits: domain.Limits{Teams: 50}, ExpiresAt: &exp}
	key, err := license.Issue(priv, want)
	require.NoError(t, err)
	got, err := license.Verify(key, pub)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	otherPub, otherPriv, err := license.GenerateKey()
	require.NoError(t, err)
	_, err = license.Verify(key, otherPub)
	assert.ErrorIs(t, err, license.ErrInvalidKey, "another vendor key")
	forged, err := license.Issue(otherPriv, want)
	require.NoError(t, err)
	_, err = license.Verify(forged, pub)
	assert.ErrorIs(t, err, license.ErrInvalidKey, "signed with someone else's key")

	parts := strings.Split(key, ".")
	tampered := parts[0] + "." + strings.Replace(parts[1], parts[1][10:14], "AAAA", 1) + "." + parts[2]
	_, err = license.Verify(tampered, pub)
	assert.ErrorIs(t, err, license.ErrInvalidKey, "altered payload")
	for _, bad := range []string{"", "mal1.", "mal1.abc", "hello", "mal1.!!!.???"} {
		_, err = license.Verify(bad, pub)
		assert.ErrorIs(t, err, license.ErrInvalidKey, bad)
	}
	_, err = license.ParsePublicKey(license.BuiltInPublicKey)
	assert.NoError(t, err, "the built-in key parses")
}
