package commands

import (
	"sync"
	"time"

	"github.com/mastra-admin/mastra-admin/domain/user"
)

// maxCachedCredentials bounds the credential cache; past it the cache
// starts over.
const maxCachedCredentials = 10000

// credCache keeps tokens found in the read model for a few seconds, so
// that most requests authenticate without a query. Only hits are cached: a
// flood of made-up tokens cannot fill it. Expiry is still checked on every
// use; a revocation made in this process is forgotten at once, one made on
// another replica takes effect here within the TTL.
type credCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]cachedCredential
}

type cachedCredential struct {
	cred user.Credential
	at   time.Time
}

func (c *credCache) get(prefix string, now time.Time) (user.Credential, bool) {
	if c.ttl <= 0 {
		return user.Credential{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[prefix]
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return user.Credential{}, false
	}
	return e.cred, true
}

func (c *credCache) put(prefix string, cred user.Credential, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedCredentials {
		c.entries = map[string]cachedCredential{}
	}
	c.entries[prefix] = cachedCredential{cred: cred, at: now}
}

// forget drops a token, for revocation.
func (c *credCache) forget(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, prefix)
}
