package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Store is the ClickHouse observability store; it implements
// commands.ObservabilityStore.
type Store struct {
	cfg    Config
	conn   driver.Conn
	insert Inserter
	now    func() time.Time
}

var _ commands.ObservabilityStore = (*Store)(nil)

// Open connects to ClickHouse, creating the database when missing. It
// fails when ClickHouse does not answer; the error then matches
// commands.ErrStoreUnavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	boot, err := dial(cfg, "default")
	if err != nil {
		return nil, err
	}
	err = boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database)
	_ = boot.Close()
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: create database %s: %w", cfg.Database, err))
	}
	conn, err := dial(cfg, cfg.Database)
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, conn: conn, now: time.Now}
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
func (s *Store) Close() error { return s.conn.Close() }

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

// classify marks errors of an unreachable server with
// commands.ErrStoreUnavailable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	var oe *net.OpError
	var ex *clickhouse.Exception
	switch {
	case errors.As(err, &ex):
		return err // the server answered
	case errors.As(err, &oe), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, clickhouse.ErrAcquireConnTimeout), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", commands.ErrStoreUnavailable, err)
	}
	return err
}
