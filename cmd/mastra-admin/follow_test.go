package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// TestEventsTailFollow starts "events tail --follow", appends from another
// process (a second token create) and sees the new events printed, each
// once, after the ones listed at the start.
func TestEventsTailFollow(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	env := map[string]string{"DATABASE_URL": db.URL, "MASTRA_ADMIN_DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	first := runCLI(t, env, "token", "create", "--email", "a@example.com")
	require.Equal(t, exitOK, first.code, first.stderr)

	tail := startCLI(t, env, "events", "tail", "-n", "2", "--follow")
	require.Eventually(t, func() bool { return strings.Count(tail.stdout.String(), "\n") == 2 },
		10*time.Second, 10*time.Millisecond, "the last two events are listed first")

	second := runCLI(t, env, "token", "create", "--email", "b@example.com", "--type-less")
	require.Equal(t, exitUsage, second.code, "an unknown flag is bad usage")
	second = runCLI(t, env, "token", "create", "--email", "b@example.com")
	require.Equal(t, exitOK, second.code, second.stderr)

	require.Eventually(t, func() bool { return strings.Count(tail.stdout.String(), "\n") == 2+2 },
		10*time.Second, 10*time.Millisecond, "the new user's two events follow: %s", tail.stdout)
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(tail.stdout.String()), "\n") {
		types = append(types, strings.Fields(line)[2])
	}
	assert.Equal(t, []string{"user.UserRegistered", "user.APITokenIssued",
		"user.UserRegistered", "user.APITokenIssued"}, types,
		"the listing, then each new event once, in order")

	tail.cancel()
	assert.Equal(t, exitOK, tail.wait(t, 10*time.Second))
}
