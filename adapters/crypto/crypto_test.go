package crypto_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestEnvelopeSealOpenAndBinding(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	m, err := crypto.GenerateMasterKey()
	require.NoError(t, err)
	e := crypto.NewEnvelope(db.Pool, m)
	p1, p2 := uuid.New(), uuid.New()

	nonce, ct, err := e.Seal(ctx, p1, "OPENAI_API_KEY", []byte("sk-live-123"))
	require.NoError(t, err)
	assert.NotContains(t, string(ct), "sk-live-123")
	got, err := e.Open(ctx, p1, "OPENAI_API_KEY", nonce, ct)
	require.NoError(t, err)
	assert.Equal(t, "sk-live-123", string(got))

	_, err = e.Open(ctx, p1, "OTHER_NAME", nonce, ct)
	assert.ErrorIs(t, err, crypto.ErrDecrypt, "a ciphertext is bound to its name")
	_, _, err = e.Seal(ctx, p2, "X", []byte("y"))
	require.NoError(t, err)
	_, err = e.Open(ctx, p2, "OPENAI_API_KEY", nonce, ct)
	assert.ErrorIs(t, err, crypto.ErrDecrypt, "and to its project")
	ct[0] ^= 1
	_, err = e.Open(ctx, p1, "OPENAI_API_KEY", nonce, ct)
	assert.ErrorIs(t, err, crypto.ErrDecrypt, "tampering is detected")
	ct[0] ^= 1

	var wrapped []byte
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT wrapped_key FROM project_data_keys WHERE project_id = $1`, p1).Scan(&wrapped))
	other, err := crypto.GenerateMasterKey()
	require.NoError(t, err)
	_, err = crypto.NewEnvelope(db.Pool, other).Open(ctx, p1, "OPENAI_API_KEY", nonce, ct)
	assert.Error(t, err, "another master key cannot unwrap the data key")

	n, err := crypto.Rotate(ctx, db.Pool, m, other)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err = crypto.NewEnvelope(db.Pool, other).Open(ctx, p1, "OPENAI_API_KEY", nonce, ct)
	require.NoError(t, err, "after rotation the new master opens the same ciphertext")
	assert.Equal(t, "sk-live-123", string(got))
	_, err = crypto.NewEnvelope(db.Pool, m).Open(ctx, p1, "OPENAI_API_KEY", nonce, ct)
	assert.Error(t, err, "the old master no longer does")
	n, err = crypto.Rotate(ctx, db.Pool, m, other)
	require.NoError(t, err)
	assert.Zero(t, n, "rotating again changes nothing")

	// A process still running with the old key after the rotation: it
	// keeps the data keys it had, and makes no new one under the old key.
	_, _, err = e.Seal(ctx, p1, "STILL", []byte("works"))
	assert.NoError(t, err, "a data key it already held is unchanged by the rotation")
	_, _, err = e.Seal(ctx, uuid.New(), "NEW", []byte("x"))
	assert.ErrorIs(t, err, crypto.ErrStaleMasterKey)
	assert.Equal(t, domain.KindUnavailable, domain.KindOf(err), "a 503 with what to do, not a 500")
	_, _, err = crypto.NewEnvelope(db.Pool, other).Seal(ctx, uuid.New(), "NEW", []byte("x"))
	assert.NoError(t, err, "the current key makes new data keys")
}

func TestMasterKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m1, err := crypto.LoadOrCreate("", dir)
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, crypto.KeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	m2, err := crypto.LoadOrCreate("", dir)
	require.NoError(t, err)
	assert.Equal(t, m1.ID, m2.ID, "the file is reused")
	m3, err := crypto.LoadOrCreate(m1.Encode(), t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, m1.ID, m3.ID, "a configured key wins")
	_, err = crypto.ParseMasterKey("c2hvcnQ=")
	assert.Error(t, err)
}
