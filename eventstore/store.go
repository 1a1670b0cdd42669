package eventstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Config configures a Store.
type Config struct {
	Pool      *pgxpool.Pool
	Upcasters *Upcasters // nil: events are read as stored
	// Notifier, when set, is told of every committed append (it wakes local
	// consumers at once and other processes through a coalesced NOTIFY).
	// Without one, each append is followed by its own NOTIFY.
	Notifier *Notifier
	// AnyRetries bounds how often an append with Any expectations is retried
	// after another writer took the version it computed.
	AnyRetries int
	// GroupCommit is how many batches of concurrent appends may be in
	// flight at once (see committer): 0 means 1, which measured best on
	// 2 cores (fewer, larger transactions); negative turns group commit
	// off, so each append is its own transaction.
	GroupCommit int
	// GroupCommitMax bounds the appends in one batch (0: 64).
	GroupCommitMax int
	// GroupCommitTimeout bounds one batch (0: 30 s); a batch that times
	// out is retried append by append under each caller's own context.
	GroupCommitTimeout time.Duration
}

func (c *Config) setDefaults() {
	if c.AnyRetries == 0 {
		c.AnyRetries = 10
	}
	if c.Upcasters == nil {
		c.Upcasters = NewUpcasters()
	}
	if c.GroupCommit == 0 {
		c.GroupCommit = 1
	}
	if c.GroupCommitMax == 0 {
		c.GroupCommitMax = 64
	}
	if c.GroupCommitTimeout == 0 {
		c.GroupCommitTimeout = 30 * time.Second
	}
}

// Validate reports what is missing from c.
func (c Config) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("eventstore: pool is nil"))
	}
	if c.AnyRetries < 0 {
		errs = append(errs, errors.New("eventstore: AnyRetries must not be negative"))
	}
	if c.GroupCommitMax < 0 || c.GroupCommitTimeout < 0 {
		errs = append(errs, errors.New("eventstore: GroupCommitMax and GroupCommitTimeout must not be negative"))
	}
	return errors.Join(errs...)
}

// Store appends and reads events in the pool's current schema.
type Store struct {
	pool      *pgxpool.Pool
	upcasters *Upcasters
	cfg       Config
	commits   *committer // nil: group commit is off
}

// New returns a Store.
func New(cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Store{pool: cfg.Pool, upcasters: cfg.Upcasters, cfg: cfg}
	if cfg.GroupCommit > 0 {
		s.commits = &committer{pool: cfg.Pool, flushers: cfg.GroupCommit, maxBatch: cfg.GroupCommitMax, timeout: cfg.GroupCommitTimeout}
	}
	return s, nil
}

// Notify tells consumers that events were committed. AppendStreams calls
// it; a caller of AppendStreamsWith calls it after committing.
func (s *Store) Notify(ctx context.Context) {
	if s.cfg.Notifier != nil {
		s.cfg.Notifier.Published()
		return
	}
	_, _ = s.pool.Exec(ctx, notifySQL, "") // best effort: consumers also poll
}

// Pool returns the pool the store writes to.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
