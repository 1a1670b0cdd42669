package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestKeysRotate(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": db.URL, "MASTRA_ADMIN_DATA_DIR": dir, "LOG_LEVEL": "warn"}
	ctx := context.Background()
	require.Equal(t, exitOK, runCLI(t, env, "token", "create", "--email", "ops@example.com").code)

	old, err := crypto.LoadOrCreate("", dir)
	require.NoError(t, err)
	project := uuid.New()
	nonce, ct, err := crypto.NewEnvelope(db.Pool, old).Seal(ctx, project, "API_KEY", []byte("s3cret"))
	require.NoError(t, err)
	override := "deployment/" + uuid.NewString() + "/API_KEY" // a deployment's override, same data key
	oNonce, oCT, err := crypto.NewEnvelope(db.Pool, old).Seal(ctx, project, override, []byte("staging-s3cret"))
	require.NoError(t, err)
	var eventsBefore string
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT md5(string_agg(payload::text, '' ORDER BY global_position)) FROM events`).Scan(&eventsBefore))

	res := runCLI(t, env, "keys", "rotate")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "re-wrapped 1 data keys")
	next, err := crypto.LoadOrCreate("", dir)
	require.NoError(t, err)
	assert.NotEqual(t, old.ID, next.ID, "the key file holds the new key")
	_, err = os.Stat(filepath.Join(dir, crypto.KeyFile+".new"))
	assert.True(t, os.IsNotExist(err), "no pending key left behind")
	got, err := crypto.NewEnvelope(db.Pool, next).Open(ctx, project, "API_KEY", nonce, ct)
	require.NoError(t, err)
	assert.Equal(t, "s3cret", string(got))
	got, err = crypto.NewEnvelope(db.Pool, next).Open(ctx, project, override, oNonce, oCT)
	require.NoError(t, err)
	assert.Equal(t, "staging-s3cret", string(got), "deployment overrides open after rotation too")
	_, err = crypto.NewEnvelope(db.Pool, next).Open(ctx, project, "API_KEY", oNonce, oCT)
	assert.Error(t, err, "an override's ciphertext does not open as the project's variable")
	var eventsAfter string
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT md5(string_agg(payload::text, '' ORDER BY global_position)) FROM events`).Scan(&eventsAfter))
	assert.Equal(t, eventsBefore, eventsAfter, "rotation touches no event")

	withEnv := map[string]string{"DATABASE_URL": db.URL, "MASTRA_ADMIN_DATA_DIR": dir, "MASTRA_ADMIN_ENCRYPTION_KEY": next.Encode()}
	assert.Equal(t, exitUsage, runCLI(t, withEnv, "keys", "rotate").code, "a configured key needs --new-key")
	third, err := crypto.GenerateMasterKey()
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "next.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(third.Encode()+"\n"), 0o600))
	res = runCLI(t, withEnv, "keys", "rotate", "--new-key-file", keyFile)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "set MASTRA_ADMIN_ENCRYPTION_KEY")
	got, err = crypto.NewEnvelope(db.Pool, third).Open(ctx, project, "API_KEY", nonce, ct)
	require.NoError(t, err)
	assert.Equal(t, "s3cret", string(got))
}
