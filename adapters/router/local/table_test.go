package local_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

func TestTableSetGetRemoveReplace(t *testing.T) {
	t.Parallel()
	tb := local.NewTable()
	require.NoError(t, tb.Set(route("Shop", "127.0.0.1:4107")))
	r, ok := tb.Get("shop")
	require.True(t, ok)
	assert.Equal(t, "shop", r.Subdomain, "subdomains are kept in lower case")
	_, ok = tb.Get("SHOP")
	assert.True(t, ok, "lookups ignore case")

	require.NoError(t, tb.Set(route("shop", "127.0.0.1:4108")))
	r, _ = tb.Get("shop")
	assert.Equal(t, "127.0.0.1:4108", r.Target)

	assert.True(t, tb.SetHealthy("shop", "127.0.0.1:4108", false))
	assert.False(t, tb.SetHealthy("shop", "127.0.0.1:4107", true), "an old target's health does not touch the swapped route")
	r, _ = tb.Get("shop")
	assert.False(t, r.Healthy)

	tb.Remove("shop")
	_, ok = tb.Get("shop")
	assert.False(t, ok)

	require.NoError(t, tb.Replace([]local.Route{route("b", "127.0.0.1:1"), route("a", "127.0.0.1:2")}))
	all := tb.All()
	require.Len(t, all, 2)
	assert.Equal(t, "a", all[0].Subdomain)
}

func TestTableRefusesBadRoutesAndKeepsWhatItHad(t *testing.T) {
	t.Parallel()
	tb := local.NewTable()
	require.NoError(t, tb.Set(route("keep", "127.0.0.1:4107")))
	bad := []local.Route{
		route("", "127.0.0.1:1"),
		route("-x", "127.0.0.1:1"),
		route("a.b", "127.0.0.1:1"),
		route("ok", "127.0.0.1"),
		route("ok", "127.0.0.1:0"),
		route("ok", ":80"),
		{Subdomain: "ok", Target: "127.0.0.1:1", State: "running"},
	}
	for _, r := range bad {
		assert.Error(t, tb.Set(r), "%+v", r)
	}
	err := tb.Replace([]local.Route{route("new", "127.0.0.1:1"), route("new", "127.0.0.1:2")})
	require.ErrorContains(t, err, "given twice")
	err = tb.Replace([]local.Route{route("new", "127.0.0.1:1"), bad[3]})
	require.ErrorContains(t, err, "not host:port")
	all := tb.All()
	require.Len(t, all, 1, "a refused change loses nothing")
	assert.Equal(t, "keep", all[0].Subdomain)
}
