package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/migrations"
)

func TestClickHouseMigrationsLoad(t *testing.T) {
	t.Parallel()
	list, err := migrations.ClickHouse()
	require.NoError(t, err)
	require.NotEmpty(t, list)
	assert.Equal(t, 1, list[0].Version)
	for _, m := range list {
		assert.NotEmpty(t, migrations.Statements(m.SQL), m.Name)
	}
}

func TestStatements(t *testing.T) {
	t.Parallel()
	got := migrations.Statements("-- a comment;\nCREATE TABLE a (x UInt8)\nENGINE = Memory;\n\n  -- another\nSELECT ';' ;\nSELECT 2")
	assert.Equal(t, []string{"CREATE TABLE a (x UInt8)\nENGINE = Memory", "SELECT ';'", "SELECT 2"}, got)
	assert.Empty(t, migrations.Statements("-- only a comment\n\n"))
}
