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

// SubscriberConfig configures a Subscriber.
type SubscriberConfig struct {
	Store    *Store
	Notifier *Notifier // nil: poll only
	Logger   *logrus.Entry
	Parker   *Parker // nil: a nacked event is redelivered after ResendInterval
	// OnCommit, if set, is told each time a consumer commits a batch.
	OnCommit func(consumer string, pos Position)

	// BatchSize is how many events one transaction delivers at most.
	BatchSize int
	// PollInterval is the fallback when no notification arrives.
	PollInterval time.Duration
	// ResendInterval is the pause before redelivering a nacked event.
	ResendInterval time.Duration
	// RetryInterval is the pause after a database error.
	RetryInterval time.Duration
	// AckDeadline cancels the context of an event not acked in time.
	AckDeadline time.Duration
	// Linger is the pause before reading again after a batch that was
	// less than a quarter full: under a steady stream of appends, the
	// next batch then takes what arrived meanwhile, instead of one
	// transaction per few events. A consumer that was idle reads at once
	// when woken, so the first event after a pause is not delayed.
	// 0 means 5 ms; negative means no pause.
	Linger time.Duration
	// FlushRetries is how often a batch whose deferred writes fail is
	// retried, event by event, before the consumer parks on the event.
	FlushRetries int
}

func (c *SubscriberConfig) setDefaults() {
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.PollInterval == 0 {
		c.PollInterval = time.Second
	}
	if c.ResendInterval == 0 {
		c.ResendInterval = 100 * time.Millisecond
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = time.Second
	}
	if c.AckDeadline == 0 {
		c.AckDeadline = 30 * time.Second
	}
	if c.FlushRetries == 0 {
		c.FlushRetries = 5
	}
	if c.Linger == 0 {
		c.Linger = 5 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = logrus.NewEntry(logrus.New())
	}
}

// Validate reports what is wrong with c.
func (c SubscriberConfig) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("subscriber: store is nil"))
	}
	if c.BatchSize < 1 {
		errs = append(errs, errors.New("subscriber: batch size must be positive"))
	}
	if c.PollInterval <= 0 || c.ResendInterval <= 0 || c.RetryInterval <= 0 || c.AckDeadline <= 0 {
		errs = append(errs, errors.New("subscriber: intervals must be positive"))
	}
	return errors.Join(errs...)
}

// Subscriber is a Watermill subscriber over the event store. The topic is
// the consumer name, or several joined by GroupTopic: each consumer has one
// durable checkpoint, and consumers of the same name compete across
// processes (one holds the consumer's lock at a time; the others skip and
// wait).
//
// Each batch is delivered inside one transaction that is in every message's
// context (TxFromContext); the checkpoint is advanced in that transaction
// after the last message is acked, so a handler that writes through it is
// applied exactly once. If the subscriber closes or a message is nacked,
// the whole batch is rolled back and redelivered. A handler that fails
// after its retries (see Parker) parks its consumer on the event; the
// events before it in the batch are committed first.
//
// A handler may instead queue its statements on the batch's deferred
// pipeline (DeferredFromContext): they are sent with the checkpoint update
// in one round trip before the commit. If that fails, the batch rolls back
// and the consumer goes over the same events one at a time, so that a
// failing event is found, retried and, past FlushRetries, parked.
type Subscriber struct {
	cfg     SubscriberConfig
	closing chan struct{}
	once    sync.Once
	wg      sync.WaitGroup

	beforeCommit func(consumer string) // test hook: after the handlers, before the checkpoint
}

// NewSubscriber returns a Subscriber.
func NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Subscriber{cfg: cfg, closing: make(chan struct{})}, nil
}

// Subscribe starts the consumer named topic.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	select {
	case <-s.closing:
		return nil, errors.New("subscriber: closed")
	default:
	}
	names, err := members(topic)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := EnsureCheckpoint(ctx, s.cfg.Store.pool, name); err != nil {
			return nil, err
		}
		if s.cfg.Parker != nil {
			if err := s.cfg.Parker.Clear(ctx, name); err != nil {
				return nil, err
			}
		}
	}
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		newConsumer(s, topic, names, out).run(ctx)
	}()
	return out, nil
}

// Close stops every consumer, waiting for in-flight messages to finish.
func (s *Subscriber) Close() error {
	s.once.Do(func() { close(s.closing) })
	s.wg.Wait()
	return nil
}

// EnsureCheckpoint creates the consumer's checkpoint row at position zero.
func EnsureCheckpoint(ctx context.Context, q DBTX, consumer string) error {
	if _, err := q.Exec(ctx, `INSERT INTO consumer_checkpoints (consumer) VALUES ($1) ON CONFLICT DO NOTHING`, consumer); err != nil {
		return fmt.Errorf("create checkpoint of %s: %w", consumer, err)
	}
	return nil
}

// LockCheckpoint waits for the consumer's lock, holds it for the rest of
// tx and returns its checkpoint, and lets tx commit without waiting for the
// WAL flush. The lock is a transaction-scoped advisory lock, not a row
// lock: it assigns the transaction no id, so a consumer that has not
// written yet does not hold back what other gap-safe readers may see. (Live
// consumers take it without waiting, in lockSQL.)
func LockCheckpoint(ctx context.Context, tx pgx.Tx, consumer string) (Position, error) {
	// A consumer's writes are derived from events and commit with its
	// checkpoint: if a crash loses the commit, the events are applied again.
	// So they need not wait for the WAL flush (visibility is unchanged).
	var pos Position
	var setting, ignored any
	if err := tx.QueryRow(ctx, `SELECT set_config('synchronous_commit', 'off', true),
		pg_advisory_xact_lock(hashtextextended(current_schema() || '/consumer/' || $1, 0))`, consumer).Scan(&setting, &ignored); err != nil {
		return pos, fmt.Errorf("lock consumer %s: %w", consumer, err)
	}
	err := tx.QueryRow(ctx, `SELECT transaction_id, global_position FROM consumer_checkpoints WHERE consumer = $1`, consumer).
		Scan(&pos.TransactionID, &pos.GlobalPosition)
	if errors.Is(err, pgx.ErrNoRows) {
		return pos, fmt.Errorf("consumer %s has no checkpoint", consumer)
	}
	if err != nil {
		return pos, fmt.Errorf("read checkpoint of %s: %w", consumer, err)
	}
	return pos, nil
}

const saveCheckpointSQL = `UPDATE consumer_checkpoints SET transaction_id = $2, global_position = $3, updated_at = now()
	WHERE consumer = $1`

// SaveCheckpoint moves the consumer's checkpoint to pos inside tx.
func SaveCheckpoint(ctx context.Context, tx pgx.Tx, consumer string, pos Position) error {
	_, err := tx.Exec(ctx, saveCheckpointSQL, consumer, pos.TransactionID, pos.GlobalPosition)
	if err != nil {
		return fmt.Errorf("save checkpoint of %s: %w", consumer, err)
	}
	return nil
}
