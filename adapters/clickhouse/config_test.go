package clickhouse_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	c, err := clickhouse.ParseURL("clickhouse://u:p%40ss@ch.example:9440/obs?insert=http&http=https://ch.example:8443")
	require.NoError(t, err)
	assert.Equal(t, "ch.example:9440", c.Addr)
	assert.Equal(t, "https://ch.example:8443", c.HTTPURL)
	assert.Equal(t, "obs", c.Database)
	assert.Equal(t, "u", c.User)
	assert.Equal(t, "p@ss", c.Password)
	assert.Equal(t, clickhouse.InsertHTTP, c.Insert)

	c, err = clickhouse.ParseURL("clickhouse://10.0.0.5")
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.5:9000", c.Addr)
	assert.Equal(t, "http://10.0.0.5:8123", c.HTTPURL)
	assert.Equal(t, "mastra_admin", c.Database)
	assert.Equal(t, "default", c.User)
	assert.Equal(t, clickhouse.InsertExternal, c.Insert)
}

func TestParseURLRefuses(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"postgres://x:5432/db":                 "scheme",
		"clickhouse:///db":                     "no host",
		"clickhouse://x:9000/db?insert=native": "insert path",
		"clickhouse://x:9000/my-db":            "database name",
		"clickhouse://x:9000/db?http=ftp://x":  "HTTP URL",
		"clickhouse://x:9000/db?compress=1":    "unknown URL parameter",
		"clickhouse://x:9000/a/b":              "database name",
	} {
		_, err := clickhouse.ParseURL(raw)
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), want, raw)
	}
}
