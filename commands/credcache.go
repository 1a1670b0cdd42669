package commands

import (
	"sync"
	"time"
)

// maxCachedCredentials bounds the credential cache; past it the cache
// starts over.
const maxCachedCredentials = 10000

// credCache keeps what authenticated a caller for a few seconds, so that
// most requests authenticate without a query: tokens found in the read
// model by prefix, and the users that JWTs name, by (issuer, subject). Only hits are
// cached: a flood of made-up tokens cannot fill it. A token's expiry is
// still checked on every use, and a JWT's signature and expiry; a change
// made in this process (a revocation, a platform-admin grant) is forgotten
// at once, one made on another replica takes effect here within the TTL.
type credCache[V any] struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]cachedCredential[V]
}

type cachedCredential[V any] struct {
	cred V
	at   time.Time
}

func (c *credCache[V]) get(key string, now time.Time) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return zero, false
	}
	return e.cred, true
}

func (c *credCache[V]) put(key string, cred V, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedCredentials {
		c.entries = map[string]cachedCredential[V]{}
	}
	c.entries[key] = cachedCredential[V]{cred: cred, at: now}
}

// forget drops an entry, for a revocation or a change of rights.
func (c *credCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// forgetIf drops every entry whose value matches, for a change of rights of
// a user whose entries are not keyed by the user.
func (c *credCache[V]) forgetIf(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if match(e.cred) {
			delete(c.entries, k)
		}
	}
}
