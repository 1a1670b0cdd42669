package eventstore

// turns lets the consumers of a group that are far behind the others (a
// projection added to a big store, one a replay reset) and the others take
// turns, batch by batch: one transaction for all of them would deliver
// nothing new to the current ones until the far-behind ones caught up, and
// every read-your-writes wait would stall meanwhile.
type turns struct {
	split      bool // the last choice split the consumers
	far        bool // the last batch served the far-behind ones
	emptyTurns int  // consecutive split batches that found nothing
}

func (t *turns) done(n int) {
	if !t.split || n > 0 {
		t.emptyTurns = 0
		return
	}
	t.emptyTurns++
}

// otherMayHaveWork reports whether, the last batch having found nothing,
// the other side's turn may still find something.
func (t *turns) otherMayHaveWork() bool { return t.split && t.emptyTurns < 2 }

// nextMembers chooses whom the next batch serves: every active consumer,
// unless some are more than a batch behind the furthest: then those and the
// rest alternate until they are within a batch of each other.
func (c *consumer) nextMembers() []string {
	var front int64
	for _, m := range c.active {
		front = max(front, c.pos[m].GlobalPosition)
	}
	var near, far []string
	for _, m := range c.active {
		if front-c.pos[m].GlobalPosition > int64(c.s.cfg.BatchSize) {
			far = append(far, m)
		} else {
			near = append(near, m)
		}
	}
	c.turns.split = len(far) > 0
	if !c.turns.split {
		return c.active
	}
	c.turns.far = !c.turns.far
	if c.turns.far {
		return far
	}
	return near
}
