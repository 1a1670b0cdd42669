package commands

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain/user"
)

func TestCredentialCache(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	c := credCache[user.Credential]{ttl: 5 * time.Second}
	cred := user.Credential{TokenID: uuid.New()}
	_, ok := c.get("abcd1234", now)
	assert.False(t, ok, "empty")
	c.put("abcd1234", cred, now)
	got, ok := c.get("abcd1234", now.Add(4*time.Second))
	assert.True(t, ok)
	assert.Equal(t, cred, got)
	_, ok = c.get("abcd1234", now.Add(5*time.Second))
	assert.False(t, ok, "expired after the TTL")
	_, ok = c.get("abcd1234", now.Add(-time.Second))
	assert.False(t, ok, "a clock that went back does not extend trust")
	c.forget("abcd1234")
	_, ok = c.get("abcd1234", now)
	assert.False(t, ok, "forgotten")

	off := credCache[user.Credential]{ttl: -1}
	off.put("abcd1234", cred, now)
	_, ok = off.get("abcd1234", now)
	assert.False(t, ok, "a negative TTL disables the cache")

	for i := 0; i < maxCachedCredentials+5; i++ {
		c.put(uuid.NewString()[:8], cred, now)
	}
	assert.LessOrEqual(t, len(c.entries), maxCachedCredentials, "bounded")
}

func TestCredentialCacheForgetsAUsersEntries(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	c := credCache[Principal]{ttl: 5 * time.Second}
	ada, bob := uuid.New(), uuid.New()
	c.put("iss\x00ada-1", Principal{UserID: ada}, now)
	c.put("other\x00ada-2", Principal{UserID: ada}, now)
	c.put("iss\x00bob", Principal{UserID: bob}, now)
	c.forgetIf(func(p Principal) bool { return p.UserID == ada })
	for _, k := range []string{"iss\x00ada-1", "other\x00ada-2"} {
		_, ok := c.get(k, now)
		assert.False(t, ok, "every identity of the user is forgotten: %q", k)
	}
	_, ok := c.get("iss\x00bob", now)
	assert.True(t, ok, "others stay")
}
