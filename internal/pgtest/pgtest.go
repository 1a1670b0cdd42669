package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/migrations"
)

// DefaultURL is the database the tests use when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/mastra_admin_test?sslmode=disable"

// BaseURL returns the test database URL.
func BaseURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// DB is one test's schema.
type DB struct {
	Pool   *pgxpool.Pool
	Schema string
	URL    string // connection URL whose search_path is Schema
}

// New creates a fresh schema, applies every migration to it and returns a
// pool bound to it. The schema is dropped when the test ends.
func New(t testing.TB) *DB {
	t.Helper()
	db := NewEmpty(t)
	list, err := migrations.Postgres()
	require.NoError(t, err)
	_, err = migrations.Apply(context.Background(), db.Pool, list)
	require.NoError(t, err)
	return db
}

// NewEmpty creates a fresh, unmigrated schema.
func NewEmpty(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	schema := "t_" + randomHex(8)
	u := SchemaURL(t, BaseURL(), schema)
	cfg, err := pgxpool.ParseConfig(u)
	require.NoError(t, err)
	cfg.MaxConns = eventstore.DefaultMaxConns
	eventstore.ConfigurePool(cfg)
	require.NoError(t, eventstore.EnsureDatabase(ctx, cfg.ConnConfig))

	admin, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	require.NoError(t, err)
	_, err = admin.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	require.NoError(t, admin.Close(ctx))

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		pool.Close()
		if os.Getenv("PGTEST_KEEP") != "" {
			t.Logf("kept schema %s", schema)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	return &DB{Pool: pool, Schema: schema, URL: u}
}

// SchemaURL returns base with its search_path set to schema.
func SchemaURL(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
