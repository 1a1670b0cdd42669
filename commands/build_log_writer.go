package commands

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// completedLogTTL is how long the cache keeps a log after its pipeline
// ended: file storage has it from then on, so this only spares followers
// that are still reading a read of the file.
const completedLogTTL = time.Hour

// logWriter is the io.WriteCloser a build's pipeline writes its log to: it
// splits the output into lines, appends whole lines to the cache as they
// come, keeps the log so far in file storage every logCheckpoint, and on
// Close appends the last partial line, writes the whole log to file
// storage and completes it in the cache. A failed append is
// retried with the next write (the cache skips lines it has); the log is
// kept in memory for the file either way.
type logWriter struct {
	ctx    context.Context // not a build's: the log is written after a cancellation too
	id     uuid.UUID
	cache  BuildLogCache
	files  FileStorage
	report func(error)

	mu       sync.Mutex
	partial  []byte
	lines    []string
	sent     int  // lines the cache has
	saved    int  // lines file storage has
	reported bool // a failed append was reported once
	stop     chan struct{}
}

// logCheckpoint is how often a running build's log so far is kept in file
// storage, so that an admin killed mid-build loses at most that much of it.
const logCheckpoint = 2 * time.Second

func (a *Admin) newLogWriter(ctx context.Context, id uuid.UUID, report func(error)) *logWriter {
	w := &logWriter{ctx: ctx, id: id, cache: a.cfg.LogCache, files: a.cfg.Files, report: report, stop: make(chan struct{})}
	if w.files != nil {
		go w.checkpoints()
	}
	return w
}

// checkpoints keeps the log so far in file storage every logCheckpoint
// until Close.
func (w *logWriter) checkpoints() {
	t := time.NewTicker(logCheckpoint)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		w.mu.Lock()
		if len(w.lines) > w.saved {
			if err := w.save(); err != nil {
				w.report(err)
			}
		}
		w.mu.Unlock()
	}
}

// save writes the lines so far to file storage; w.mu is held.
func (w *logWriter) save() error {
	text := strings.Join(w.lines, "\n")
	if len(w.lines) > 0 {
		text += "\n"
	}
	if err := w.files.Write(w.ctx, BuildLogPath(w.id), strings.NewReader(text)); err != nil {
		return fmt.Errorf("keep the log of build %s: %w", w.id, err)
	}
	w.saved = len(w.lines)
	return nil
}

// Write implements io.Writer; it never fails, so that a cache that is down
// does not fail the build.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		w.lines = append(w.lines, string(w.partial)+string(rest[:i]))
		w.partial, rest = w.partial[:0], rest[i+1:]
	}
	w.partial = append(w.partial, rest...)
	w.flush()
	return len(p), nil
}

// flush appends the lines the cache lacks; w.mu is held.
func (w *logWriter) flush() {
	if w.sent == len(w.lines) {
		return
	}
	if err := w.cache.Append(w.ctx, w.id, w.sent, w.lines[w.sent:]); err != nil {
		if !w.reported {
			w.reported = true
			w.report(fmt.Errorf("build %s: live log lines are delayed: %w", w.id, err))
		}
		return
	}
	w.sent = len(w.lines)
}

// Close keeps the whole log in file storage, then completes it in the
// cache, so that a follower that sees it complete finds the file.
func (w *logWriter) Close() error {
	close(w.stop)
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.lines = append(w.lines, string(w.partial))
		w.partial = nil
	}
	w.flush()
	var errs []error
	if w.files != nil {
		if err := w.save(); err != nil {
			errs = append(errs, err)
		}
	}
	if w.sent == len(w.lines) { // a log with lines missing is not complete
		if err := w.cache.Complete(w.ctx, w.id, completedLogTTL); err != nil {
			errs = append(errs, fmt.Errorf("complete the live log of build %s: %w", w.id, err))
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
