package redislog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/buildlog/buildlogtest"
	"github.com/mastra-admin/mastra-admin/adapters/buildlog/redislog"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/redistest"
)

func TestRedis(t *testing.T) {
	t.Parallel()
	buildlogtest.Run(t, func(t *testing.T) commands.BuildLogCache {
		client, prefix := redistest.New(t)
		c, err := redislog.New(redislog.Config{Client: client, Prefix: prefix, MaxBlock: 100 * time.Millisecond})
		require.NoError(t, err)
		return c
	})
}

func TestConfigIsChecked(t *testing.T) {
	t.Parallel()
	_, err := redislog.New(redislog.Config{})
	assert.ErrorContains(t, err, "the Redis client is nil")
	client, _ := redistest.New(t)
	_, err = redislog.New(redislog.Config{Client: client, RunningTTL: time.Microsecond})
	assert.ErrorContains(t, err, "running TTL 1µs is under a millisecond")
}

func TestOpen(t *testing.T) {
	t.Parallel()
	_, client, err := redislog.Open(t.Context(), redistest.URL(), "test:")
	require.NoError(t, err)
	require.NoError(t, client.Close())
	_, _, err = redislog.Open(t.Context(), "redis://127.0.0.1:1/0", "test:")
	assert.ErrorContains(t, err, "reach redis at 127.0.0.1:1")
}
