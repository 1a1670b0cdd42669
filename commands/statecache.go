package commands

import "sync"

// stateCache keeps folded stream states with their versions, for decisions
// that read a stream they do not write (a team, when a project of it is
// created). Such a write carries a Guard that the stream is still at the
// cached version, so a stale entry costs a retry, never a wrong decision.
// Entries are dropped when this process appends to their stream or a guard
// on them fails. The cache holds at most max entries.
type stateCache[S any] struct {
	mu      sync.Mutex
	entries map[string]cachedState[S]
	max     int
}

type cachedState[S any] struct {
	state   S
	version int64
}

func newStateCache[S any](max int) stateCache[S] {
	return stateCache[S]{entries: map[string]cachedState[S]{}, max: max}
}

func (c *stateCache[S]) get(stream string) (S, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[stream]
	return e.state, e.version, ok
}

// put stores a state that must not be changed afterwards: readers share it.
func (c *stateCache[S]) put(stream string, s S, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[stream]; !ok && len(c.entries) >= c.max {
		for k := range c.entries { // evict one at random
			delete(c.entries, k)
			break
		}
	}
	c.entries[stream] = cachedState[S]{state: s, version: version}
}

func (c *stateCache[S]) drop(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, stream)
}
