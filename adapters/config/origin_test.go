package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOrigin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://Admin.Example.com":     "https://admin.example.com",
		"HTTP://localhost:3001/":        "http://localhost:3001",
		"https://admin.example.com:443": "https://admin.example.com",
		"http://x:80":                   "http://x",
		"http://[::1]:3001":             "http://[::1]:3001",
		" https://a.example.com:8443 ":  "https://a.example.com:8443",
	} {
		got, err := ParseOrigin(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "null", "localhost:3001", "file:///x", "https://", "https://u:p@x",
		"https://x/path", "https://x?q", "https://x#f", "http://x:0", "http://x:port"} {
		_, err := ParseOrigin(in)
		assert.Error(t, err, in)
	}
}

func TestDashboardOrigins(t *testing.T) {
	t.Parallel()
	c := Defaults()
	assert.Equal(t, []string{"http://localhost:3001", "http://127.0.0.1:3001"}, c.DashboardOrigins(), "the default follows MASTRA_ADMIN_ADDR")
	c.Addr = "0.0.0.0:8080"
	assert.Equal(t, []string{"http://localhost:8080", "http://127.0.0.1:8080"}, c.DashboardOrigins())
	c.Addr = "Admin.internal:80"
	assert.Equal(t, []string{"http://localhost", "http://127.0.0.1", "http://admin.internal"}, c.DashboardOrigins())
	c.PublicURL = "https://Admin.Example.com/"
	assert.Equal(t, []string{"https://admin.example.com", "http://localhost", "http://127.0.0.1", "http://admin.internal"}, c.DashboardOrigins(),
		"the public URL is the dashboard's origin too")
	c.DashboardOrigin = "https://Admin.Example.com, http://localhost:5173"
	assert.Equal(t, []string{"https://admin.example.com", "http://localhost:5173"}, c.DashboardOrigins(), "a setting replaces the default")
}
