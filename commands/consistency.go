package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Read-your-writes. A command returns as soon as its events are recorded;
// the read models catch up asynchronously. The Admin remembers each
// principal's last write, and that principal's next query first waits
// until the read models have applied it (usually they already have). A
// client can also carry the position itself: command responses expose it
// as a consistency token, and a query given a token waits for it too, on
// any replica.

// lastWrites is the position of each user's latest recorded command (and
// of each token issued here, by prefix).
type lastWrites[K comparable] struct {
	mu  sync.Mutex
	pos map[K]Position
}

// maxRemembered bounds lastWrites: past it, the older half is forgotten.
// Those writes are thousands of commands old; the read models have long
// applied them, so forgetting them only skips a wait that would not wait.
const maxRemembered = 10000

func (l *lastWrites[K]) record(user K, pos Position) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pos == nil {
		l.pos = map[K]Position{}
	}
	if _, known := l.pos[user]; !known && len(l.pos) >= maxRemembered {
		l.forgetOlderHalf()
	}
	if l.pos[user].less(pos) {
		l.pos[user] = pos
	}
}

func (l *lastWrites[K]) forgetOlderHalf() {
	all := make([]Position, 0, len(l.pos))
	for _, p := range l.pos {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b Position) int {
		switch {
		case a.less(b):
			return -1
		case b.less(a):
			return 1
		}
		return 0
	})
	median := all[len(all)/2]
	for k, p := range l.pos {
		if p.less(median) {
			delete(l.pos, k)
		}
	}
}

func (l *lastWrites[K]) of(user K) Position {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pos[user]
}

func (p Position) less(o Position) bool {
	if p.TransactionID != o.TransactionID {
		return p.TransactionID < o.TransactionID
	}
	return p.GlobalPosition < o.GlobalPosition
}

// String formats p as a consistency token.
func (p Position) String() string {
	return strconv.FormatUint(p.TransactionID, 10) + "." + strconv.FormatInt(p.GlobalPosition, 10)
}

// ParseConsistencyToken reads a token made by Position.String.
func ParseConsistencyToken(s string) (Position, error) {
	tx, pos, ok := strings.Cut(s, ".")
	t, err1 := strconv.ParseUint(tx, 10, 64)
	g, err2 := strconv.ParseInt(pos, 10, 64)
	if !ok || err1 != nil || err2 != nil || g < 0 {
		return Position{}, domain.Errorf(domain.KindInvalid, "consistency token %q is malformed", s)
	}
	return Position{TransactionID: t, GlobalPosition: g}, nil
}

type consistencyKey struct{}

// consistency carries a request's token in and its write position out.
type consistency struct {
	after Position
	wrote Position
}

// WithConsistency makes queries on ctx wait for after (the zero Position:
// only for the principal's own writes) and returns a function that reports
// the position of the last command run on ctx.
func WithConsistency(ctx context.Context, after Position) (context.Context, func() Position) {
	c := &consistency{after: after}
	return context.WithValue(ctx, consistencyKey{}, c), func() Position { return c.wrote }
}

// wrote records a command's position for its principal and its request.
func (a *Admin) wrote(ctx context.Context, p Principal, pos Position) {
	if p.UserID != uuid.Nil {
		a.writes.record(p.UserID, pos)
	}
	if c, ok := ctx.Value(consistencyKey{}).(*consistency); ok && c.wrote.less(pos) {
		c.wrote = pos
	}
}

// fresh waits until the read models show the principal's own writes and
// whatever the request's token names.
func (a *Admin) fresh(ctx context.Context, p Principal) error {
	if a.cfg.Consistency == nil {
		return nil
	}
	target := a.writes.of(p.UserID)
	if c, ok := ctx.Value(consistencyKey{}).(*consistency); ok && target.less(c.after) {
		target = c.after
	}
	if target == (Position{}) {
		return nil
	}
	if err := a.cfg.Consistency.WaitFor(ctx, target); err != nil {
		return fmt.Errorf("wait for read models: %w", err)
	}
	return nil
}
