package eventstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// committer is group commit for appends on the pool: appends that arrive
// while earlier ones are in flight are sent together, as one pipelined
// batch of their usual statements. A batch runs in one implicit
// transaction: one round trip and one commit for all its appends, instead
// of one each. Each append keeps its own statement, conditions and result;
// a batch that fails in any statement (a version conflict, a claimed
// value, a lost connection) commits nothing, and its appends are then run
// one by one, as without a committer, so each gets its own outcome.
//
// A batch whose outcome is unknown (the connection broke while it
// committed) is retried append by append too: event ids are unique, so an
// append is recorded at most once, and one that did commit fails its
// retry (its event id, or the value it claimed, is already recorded)
// instead of being written twice.
//
// At most flushers batches are in flight at once; an append that finds
// one free is sent at once, so a lone caller waits for nothing.
type committer struct {
	pool     *pgxpool.Pool
	flushers int
	maxBatch int
	timeout  time.Duration

	mu     sync.Mutex
	queue  []*pending
	active int
}

// pending is one append waiting in, or sent by, the committer.
type pending struct {
	ctx     context.Context
	stmt    insertStmt
	sql     string
	args    []any
	cond    Conditions
	appends []StreamAppend

	events []Event
	err    error
	done   chan struct{}
}

// newPending prepares the statement of a conditioned append.
func newPending(ctx context.Context, cond Conditions, appends []StreamAppend) (*pending, error) {
	stmt, err := buildInsert(appends, gated(cond))
	if err != nil {
		return nil, err
	}
	sql, args := withConditions(stmt, cond)
	return &pending{ctx: ctx, stmt: stmt, sql: sql, args: args, cond: cond, appends: appends}, nil
}

// submit queues p and returns when it is recorded or has failed.
func (c *committer) submit(p *pending) ([]Event, error) {
	p.done = make(chan struct{})
	c.mu.Lock()
	c.queue = append(c.queue, p)
	start := c.active < c.flushers
	if start {
		c.active++
	}
	c.mu.Unlock()
	if start {
		go c.flush()
	}
	<-p.done
	return p.events, p.err
}

// flush sends batches until the queue is empty.
func (c *committer) flush() {
	for {
		c.mu.Lock()
		n := min(len(c.queue), c.maxBatch)
		if n == 0 {
			c.active--
			c.mu.Unlock()
			return
		}
		batch := make([]*pending, n)
		copy(batch, c.queue)
		c.queue = append(c.queue[:0], c.queue[n:]...)
		c.mu.Unlock()
		c.send(batch)
	}
}

// send records batch: together when it holds more than one live append,
// else alone. When a statement of the batch fails, that append is run
// alone, for its own error, and the others go back to the head of the
// queue; when the batch fails otherwise (a lost connection, its timeout),
// every append is run alone.
func (c *committer) send(batch []*pending) {
	live := batch[:0]
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = err // its caller gave up before it was sent: nothing written
			close(p.done)
			continue
		}
		live = append(live, p)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		c.alone(live[0])
		return
	}
	failed, k := c.together(live)
	var pgErr *pgconn.PgError
	switch {
	case failed == nil:
		for _, p := range live {
			p.events = p.stmt.out
			if len(p.cond.Guards) > 0 && p.stmt.returned == 0 {
				p.events, p.err = nil, guardError(p.ctx, c.pool, p.cond.Guards)
			}
			close(p.done)
		}
	case k >= 0 && errors.As(failed, &pgErr):
		rest := append(append([]*pending{}, live[:k]...), live[k+1:]...)
		c.mu.Lock()
		c.queue = append(rest, c.queue...)
		c.mu.Unlock()
		c.alone(live[k])
	default:
		var wg sync.WaitGroup
		for _, p := range live {
			wg.Add(1)
			go func() { defer wg.Done(); c.alone(p) }()
		}
		wg.Wait()
	}
}

// together runs the appends' statements in one pipelined batch, one
// implicit transaction. An error means none of them was recorded; k is
// the index of the statement that failed, or -1.
func (c *committer) together(batch []*pending) (failed error, k int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), c.timeout)
	defer cancel()
	b := &pgx.Batch{}
	for _, p := range batch {
		p.stmt.returned = 0
		b.Queue(p.sql, p.args...)
	}
	br := c.pool.SendBatch(ctx, b)
	k = -1
	for i, p := range batch {
		rows, err := br.Query()
		if err == nil {
			_, err = p.stmt.scan(rows)
		}
		if err != nil {
			failed, k = err, i
			break
		}
	}
	if err := br.Close(); failed == nil {
		failed = err
	}
	return failed, k
}

// alone records p by itself, in its own statement and transaction.
func (c *committer) alone(p *pending) {
	p.stmt.returned = 0
	p.events, p.err = appendConditioned(p.ctx, c.pool, &p.stmt, p.sql, p.args, p.cond, p.appends)
	close(p.done)
}
