package eventstore

import (
	"context"
	"errors"
	"time"
)

// SetBeforeCommit installs a hook run after a batch's handlers and before
// its checkpoint is saved and committed.
func (s *Subscriber) SetBeforeCommit(hook func(consumer string)) { s.beforeCommit = hook }

// Queued is an append a test hands to the group committer itself.
type Queued struct{ p *pending }

// Queue prepares an append for RunQueued.
func (s *Store) Queue(ctx context.Context, cond Conditions, appends ...StreamAppend) (*Queued, error) {
	p, err := newPending(ctx, cond, appends)
	if err != nil {
		return nil, err
	}
	p.done = make(chan struct{})
	return &Queued{p: p}, nil
}

// RunQueued queues qs at once and sends them as a flusher started by
// submit does: together, as far as the batch size allows.
func (s *Store) RunQueued(qs ...*Queued) {
	c := s.commits
	c.mu.Lock()
	for _, q := range qs {
		c.queue = append(c.queue, q.p)
	}
	c.active++
	c.mu.Unlock()
	c.flush()
}

// Result is what the append's caller would get; an error if it has not
// finished within 10 s.
func (q *Queued) Result() ([]Event, error) {
	select {
	case <-q.p.done:
		return q.p.events, q.p.err
	case <-time.After(10 * time.Second):
		return nil, errors.New("the append never finished")
	}
}

// CommitterIdle tells whether the group committer has nothing queued or
// in flight.
func (s *Store) CommitterIdle() bool {
	s.commits.mu.Lock()
	defer s.commits.mu.Unlock()
	return len(s.commits.queue) == 0 && s.commits.active == 0
}
