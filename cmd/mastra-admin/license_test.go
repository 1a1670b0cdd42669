package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestLicenseVendorToolsAndShow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "vendor.key")
	gen := runCLI(t, nil, "license", "keygen", "--private-key-out", keyFile)
	require.Equal(t, exitOK, gen.code, gen.stderr)
	pub := strings.TrimSpace(gen.stdout)
	info, err := os.Stat(keyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	again := runCLI(t, nil, "license", "keygen", "--private-key-out", keyFile)
	assert.Equal(t, exitFailure, again.code, "never overwrites a key")

	issued := runCLI(t, nil, "license", "issue", "--private-key", keyFile, "--tier", "enterprise", "--org", "Acme",
		"--features", "oidc,s3", "--teams", "50", "--days", "365")
	require.Equal(t, exitOK, issued.code, issued.stderr)
	key := strings.TrimSpace(issued.stdout)
	assert.True(t, strings.HasPrefix(key, "mal1."))

	env := map[string]string{"MASTRA_ADMIN_LICENSE_KEY": key, "MASTRA_ADMIN_LICENSE_PUBKEY": pub}
	show := runCLI(t, env, "license", "show")
	require.Equal(t, exitOK, show.code, show.stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(show.stdout), &got))
	assert.Equal(t, "enterprise", got["tier"])
	assert.Equal(t, "Acme", got["organization"])
	assert.Equal(t, "active", got["state"])
	assert.Contains(t, show.stderr, "overrides the built-in vendor key", "overriding the public key is logged")
	assert.NotContains(t, show.stderr, key, "the key itself is not logged")

	community := runCLI(t, nil, "license", "show")
	require.Equal(t, exitOK, community.code, community.stderr)
	assert.Contains(t, community.stdout, `"tier": "community"`)

	forged := key[:len(key)-6] + "AAAAAA"
	bad := runCLI(t, map[string]string{"MASTRA_ADMIN_LICENSE_KEY": forged, "MASTRA_ADMIN_LICENSE_PUBKEY": pub}, "license", "show")
	assert.Equal(t, exitFailure, bad.code)
	assert.Contains(t, bad.stderr, "invalid key")
	builtIn := runCLI(t, map[string]string{"MASTRA_ADMIN_LICENSE_KEY": key}, "license", "show")
	assert.Equal(t, exitFailure, builtIn.code, "a key from another vendor key does not verify against the built-in one")

	db := pgtest.New(t)
	serve := runCLI(t, map[string]string{"DATABASE_URL": db.URL, "MASTRA_ADMIN_LICENSE_KEY": forged, "MASTRA_ADMIN_LICENSE_PUBKEY": pub,
		"MASTRA_ADMIN_DATA_DIR": dir}, "token", "create", "--email", "a@example.com")
	assert.Equal(t, exitFailure, serve.code, "a server does not start on a forged key")
	assert.Contains(t, serve.stderr, "MASTRA_ADMIN_LICENSE_KEY")
	assert.Equal(t, exitUsage, runCLI(t, nil, "license", "issue", "--tier", "team").code)
	assert.Equal(t, exitUsage, runCLI(t, nil, "license", "issue", "--private-key", keyFile, "--tier", "community").code,
		"community is the tier without a key")
	unknown := runCLI(t, nil, "license", "issue", "--private-key", keyFile, "--tier", "team", "--features", "oidc,sso")
	assert.Equal(t, exitUsage, unknown.code)
	assert.Contains(t, unknown.stderr, `"sso" is not a feature`)
}

// TestExpiredSignedKeys: a signed key past its expiry is in grace for 14
// days (shown and logged with a warning), then lapsed; the CLI and the
// server still start on it.
func TestExpiredSignedKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "vendor.key")
	gen := runCLI(t, nil, "license", "keygen", "--private-key-out", keyFile)
	require.Equal(t, exitOK, gen.code, gen.stderr)
	pub := strings.TrimSpace(gen.stdout)
	issue := func(expires time.Time) string {
		res := runCLI(t, nil, "license", "issue", "--private-key", keyFile, "--tier", "team", "--expires", expires.Format(time.DateOnly))
		require.Equal(t, exitOK, res.code, res.stderr)
		return strings.TrimSpace(res.stdout)
	}
	db := pgtest.New(t)
	for _, c := range []struct {
		name, state string
		expires     time.Time
	}{
		{"in grace", "grace", time.Now().AddDate(0, 0, -3)},
		{"past grace", "expired", time.Now().AddDate(0, 0, -30)},
	} {
		env := map[string]string{"MASTRA_ADMIN_LICENSE_KEY": issue(c.expires), "MASTRA_ADMIN_LICENSE_PUBKEY": pub,
			"DATABASE_URL": db.URL, "MASTRA_ADMIN_DATA_DIR": dir}
		show := runCLI(t, env, "license", "show")
		require.Equal(t, exitOK, show.code, show.stderr)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(show.stdout), &got))
		assert.Equal(t, c.state, got["state"], c.name)
		assert.Contains(t, got["warning"], "the license expired", c.name)
		assert.Contains(t, show.stderr, "the license expired", "%s: logged", c.name)
		tok := runCLI(t, env, "token", "create", "--email", "ops@example.com")
		assert.Equal(t, exitOK, tok.code, "%s: the CLI works on an expired key: %s", c.name, tok.stderr)
	}
}
