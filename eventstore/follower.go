package eventstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/sirupsen/logrus"
)

// FollowerConfig configures a Follower.
type FollowerConfig struct {
	Store    *Store
	Notifier *Notifier // nil: polling alone
	Logger   *logrus.Entry
	// From is where the follower starts: it delivers the events after it.
	From Position
	// Poll is the fallback between looks (0: 1 s); BatchSize bounds a
	// read (0: 500).
	Poll      time.Duration
	BatchSize int
}

// Follower is a Watermill subscriber that delivers every event after a
// position, in the gap-safe global order, to this process alone: it keeps
// no checkpoint and competes with no one. It is for adapters that hold the
// whole picture in every process (the edge router's table), which load it
// at start and follow the events from where the load stood.
type Follower struct {
	cfg    FollowerConfig
	mu     sync.Mutex
	closed chan struct{}
	wg     sync.WaitGroup
}

// NewFollower returns a Follower.
func NewFollower(cfg FollowerConfig) (*Follower, error) {
	if cfg.Store == nil || cfg.Logger == nil {
		return nil, errors.New("follower: a store and a logger are needed")
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	return &Follower{cfg: cfg, closed: make(chan struct{})}, nil
}

// Subscribe implements message.Subscriber; the topic only names the
// subscription in logs.
func (f *Follower) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	out := make(chan *message.Message)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer close(out)
		f.run(ctx, topic, out)
	}()
	return out, nil
}

// Close implements message.Subscriber.
func (f *Follower) Close() error {
	f.mu.Lock()
	select {
	case <-f.closed:
	default:
		close(f.closed)
	}
	f.mu.Unlock()
	f.wg.Wait()
	return nil
}

func (f *Follower) run(ctx context.Context, topic string, out chan<- *message.Message) {
	var wake <-chan struct{}
	if f.cfg.Notifier != nil {
		ch, unregister := f.cfg.Notifier.Register()
		defer unregister()
		wake = ch
	}
	pos, log := f.cfg.From, f.cfg.Logger.WithField("follower", topic)
	for {
		events, err := f.cfg.Store.ReadAll(ctx, pos, f.cfg.BatchSize)
		if err != nil && ctx.Err() == nil {
			log.WithError(err).Warn("follower cannot read events; trying again")
		}
		for _, e := range events {
			if !f.deliver(ctx, e, out) {
				return
			}
			pos = e.Position
		}
		if len(events) == f.cfg.BatchSize {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-f.closed:
			return
		case <-wake:
		case <-time.After(f.cfg.Poll):
		}
	}
}

// deliver sends e until it is acked; false when the follower stops.
func (f *Follower) deliver(ctx context.Context, e Event, out chan<- *message.Message) bool {
	for {
		msg := ToMessage(e)
		mctx, cancel := context.WithCancel(withDelivery(ctx, delivery{event: e}))
		msg.SetContext(mctx)
		select {
		case out <- msg:
		case <-ctx.Done():
			cancel()
			return false
		case <-f.closed:
			cancel()
			return false
		}
		select {
		case <-msg.Acked():
			cancel()
			return true
		case <-msg.Nacked():
			cancel()
			select { // the handler failed: again after a pause
			case <-time.After(f.cfg.Poll):
			case <-ctx.Done():
				return false
			case <-f.closed:
				return false
			}
		case <-ctx.Done():
			cancel()
			return false
		case <-f.closed:
			cancel()
			return false
		}
	}
}

// LoadAt runs load in a repeatable-read snapshot together with the
// checkpoint of consumer, so that what load reads is exactly the state
// that consumer's projection had reached at that position: a Follower
// started From it misses nothing and repeats nothing.
func (s *Store) LoadAt(ctx context.Context, consumer string, load func(q DBTX) error) (Position, error) {
	var pos Position
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT transaction_id, global_position FROM consumer_checkpoints WHERE consumer = $1`, consumer).
			Scan(&pos.TransactionID, &pos.GlobalPosition)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read checkpoint of %s: %w", consumer, err)
		}
		return load(tx)
	})
	return pos, err
}
