package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Store is the ClickHouse observability store; it implements
// commands.ObservabilityStore.
type Store struct {
	cfg      Config
	boot     driver.Conn // on the default database, to create the store's
	conn     driver.Conn
	insert   Inserter
	now      func() time.Time
	prepared atomic.Bool // the schema is current
}

var _ commands.ObservabilityStore = (*Store)(nil)

// New returns a store for cfg without reaching ClickHouse: connections
// are made on first use, and the first store call that needs the schema
// creates the database and applies the migrations (Prepare). So a process
// can start while ClickHouse is down; its calls then fail with errors
// matching commands.ErrStoreUnavailable until ClickHouse answers.
func New(cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	boot, err := dial(cfg, "default")
	if err != nil {
		return nil, err
	}
	conn, err := dial(cfg, cfg.Database)
	if err != nil {
		_ = boot.Close()
		return nil, err
	}
	s := &Store{cfg: cfg, boot: boot, conn: conn, now: time.Now}
	switch cfg.Insert {
	case InsertHTTP:
		s.insert = HTTPInserter{Client: &http.Client{}, URL: cfg.HTTPURL, Database: cfg.Database, User: cfg.User, Password: cfg.Password}
	default:
		s.insert = ExternalInserter{Conn: conn}
	}
	if cfg.WrapInsert != nil {
		s.insert = cfg.WrapInsert(s.insert)
	}
	return s, nil
}

// Open is New, then creates the database when missing: it fails when
// ClickHouse does not answer.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.CreateDatabase(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// CreateDatabase creates the store's database when missing.
func (s *Store) CreateDatabase(ctx context.Context) error {
	if err := s.boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+s.cfg.Database); err != nil {
		return classify(fmt.Errorf("clickhouse: create database %s: %w", s.cfg.Database, err))
	}
	return nil
}

// Prepare creates the database when missing and applies the pending
// migrations.
func (s *Store) Prepare(ctx context.Context) (MigrateResult, error) {
	if err := s.CreateDatabase(ctx); err != nil {
		return MigrateResult{}, err
	}
	return s.Migrate(ctx)
}

// ensure prepares the store once per process.
func (s *Store) ensure(ctx context.Context) error {
	if s.prepared.Load() {
		return nil
	}
	_, err := s.Prepare(ctx)
	return err
}

func dial(cfg Config, database string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{cfg.Addr},
		Auth:        clickhouse.Auth{Database: database, Username: cfg.User, Password: cfg.Password},
		DialTimeout: cfg.DialTimeout,
		ReadTimeout: 5 * time.Minute,
	})
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: open %s: %w", cfg.Addr, err))
	}
	return conn, nil
}

// Close closes the connections.
func (s *Store) Close() error { return errors.Join(s.conn.Close(), s.boot.Close()) }

// Conn is the native connection, for reads and DDL.
func (s *Store) Conn() driver.Conn { return s.conn }

// Database is the database the store uses.
func (s *Store) Database() string { return s.cfg.Database }

// Ping reports whether ClickHouse answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return classify(fmt.Errorf("clickhouse: ping %s: %w", s.cfg.Addr, err))
	}
	return nil
}
