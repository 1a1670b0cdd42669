package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
)

// DefaultURL is the shared server when TEST_CLICKHOUSE_URL is unset.
const DefaultURL = "clickhouse://127.0.0.1:9000"

// Config returns the shared server's settings (without a database).
func Config(t testing.TB) clickhouse.Config {
	t.Helper()
	raw := os.Getenv("TEST_CLICKHOUSE_URL")
	if raw == "" {
		raw = DefaultURL
	}
	cfg, err := clickhouse.ParseURL(raw)
	require.NoError(t, err, "TEST_CLICKHOUSE_URL")
	cfg.Database = ""
	return cfg
}

// New opens a store on a fresh database of the shared server with every
// migration applied, inserting the given way (clickhouse.InsertExternal
// when insert is ""). The database is dropped when the test ends. The
// test is skipped when the server does not answer.
func New(t testing.TB, insert string) *clickhouse.Store {
	t.Helper()
	return NewWith(t, func(c *clickhouse.Config) { c.Insert = insert })
}

// NewWith is New with settings changed by edit (insert path, batch size,
// wrapped inserter).
func NewWith(t testing.TB, edit func(*clickhouse.Config)) *clickhouse.Store {
	t.Helper()
	cfg := Config(t)
	edit(&cfg)
	if !reachable(cfg.Addr) {
		t.Skipf("ClickHouse does not answer at %s: start it (scripts/test.sh does, via ensure_clickhouse in scripts/lib.sh) or set TEST_CLICKHOUSE_URL", cfg.Addr)
	}
	return NewOn(t, cfg)
}

// NewOn opens a store on a fresh migrated database of the server of cfg
// (cfg.Database is replaced), dropped when the test ends.
func NewOn(t testing.TB, cfg clickhouse.Config) *clickhouse.Store {
	t.Helper()
	cfg.Database = "t_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		defer s.Close()
		if os.Getenv("CHTEST_KEEP") != "" {
			t.Logf("kept ClickHouse database %s", cfg.Database)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Conn().Exec(ctx, "DROP DATABASE IF EXISTS "+cfg.Database); err != nil {
			t.Logf("drop ClickHouse database %s: %v", cfg.Database, err)
		}
	})
	_, err = s.Migrate(ctx)
	require.NoError(t, err)
	return s
}

func reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
