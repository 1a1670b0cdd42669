package apptest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/buildlog"
	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	filestoragelocal "github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// Env is a running App and its schema.
type Env struct {
	*app.App
	DB  *pgtest.DB
	Log *logrus.Logger
}

// Start runs an App on a fresh schema until the test ends. tune, if given,
// adjusts the configuration first.
func Start(t testing.TB, tune ...func(*app.Config)) *Env {
	t.Helper()
	db := pgtest.New(t)
	l := logrus.New()
	l.SetLevel(logrus.WarnLevel)
	cfg := app.Config{Pool: db.Pool, Logger: logrus.NewEntry(l)}
	// Tests create many teams and projects: no limits unless a test sets
	// a license itself (the product's default is the community license).
	cfg.Commands.License = license.License{Tier: license.Enterprise, Features: []string{}}
	master, err := crypto.GenerateMasterKey()
	require.NoError(t, err)
	cfg.Commands.Cipher = crypto.NewEnvelope(db.Pool, master)
	files, err := filestoragelocal.New(filepath.Join(t.TempDir(), "storage"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = files.Close() })
	cfg.Commands.Files, cfg.Commands.LogCache = files, buildlog.NewMemory()
	cfg.Subscriber.PollInterval = 200 * time.Millisecond
	cfg.Router.InitialInterval = time.Millisecond
	cfg.ExpiryInterval = -1 // no housekeeping unless a test asks for it
	for _, f := range tune {
		f(&cfg)
	}
	a, err := app.New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-a.Running():
	case err := <-done:
		cancel()
		require.NoError(t, err, "app stopped before running")
	}
	t.Cleanup(func() {
		cancel()
		_ = a.Close()
		<-done
	})
	return &Env{App: a, DB: db, Log: l}
}

// CaughtUp waits until the read models show every event recorded so far,
// as a reader that is not the writer (another client or replica) must.
func (e *Env) CaughtUp(t testing.TB) {
	t.Helper()
	// Each wait is bounded by the consistency timeout; a loaded machine
	// gets a few of them.
	var err error
	for range 6 {
		if err = e.Waiter.WaitForHead(context.Background()); err == nil {
			return
		}
	}
	require.NoError(t, err)
}
