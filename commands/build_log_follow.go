package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// cancelSettle bounds the wait for a cancelled build's last log line.
const cancelSettle = 10 * time.Second

// followPoll is how often a followed build log is read again for new
// lines; statusPoll is how often the build's status is read with it (to
// learn that the log has ended), at most.
const (
	followPoll = 10 * time.Millisecond
	statusPoll = 100 * time.Millisecond
)

// FollowBuildLog passes each line of a build's log from line from (0 is
// the first) to emit, as it is written, until the build has ended and its
// whole log was passed, ctx ends, or emit fails.
func (a *Admin) FollowBuildLog(ctx context.Context, p Principal, id uuid.UUID, from int, emit func(line string) error) error {
	if from < 0 {
		return domain.Errorf(domain.KindInvalid, "from must be 0 or more, got %d", from)
	}
	if _, err := a.GetBuild(ctx, p, id); err != nil {
		return err
	}
	if a.cfg.BuildLogs == nil {
		return domain.Errorf(domain.KindUnavailable, "build logs are not configured")
	}
	tail := &logTail{logs: a.cfg.BuildLogs, id: id, from: from}
	defer tail.close()
	stopped := false // the worker's last line after a cancellation was passed
	var settle, statusAt time.Time
	pass := func(l string) error {
		stopped = stopped || l == errStopped.Error()
		return emit(l)
	}
	for {
		// The build's status is read before the log (every statusPoll,
		// the log every followPoll): once it has ended, what this read
		// finds is the whole log; except that the worker of a cancelled
		// build writes its last line after the cancellation, which is
		// waited for a while.
		final := false
		if time.Since(statusAt) >= statusPoll {
			statusAt = time.Now()
			status, err := a.cfg.Reads.BuildStatus(ctx, id)
			if err != nil {
				return fmt.Errorf("read build %s: %w", id, err)
			}
			ended := status.Ended() || status == build.StatusDeploying // the pipeline, and so its log, ended
			if ended && status == build.StatusCancelled && settle.IsZero() {
				settle = time.Now()
				if v, err := a.GetBuild(ctx, p, id); err != nil || v.StartedAt == nil {
					stopped = true // it never ran: nothing more will come
				}
			}
			final = ended && (stopped || time.Since(settle) > cancelSettle)
		}
		read, err := tail.emit(final, pass)
		if err != nil || (final && !read) {
			return err
		}
		if !read {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(followPoll):
			}
		}
	}
}

// logTail reads a build's log as it grows. Once the log is a file (a
// seekable one) it stays open between reads, so that a read that finds
// nothing new costs one system call; a log that does not exist yet reads
// as empty and is opened again at the next read. The end of a line not yet
// whole waits in pending.
type logTail struct {
	logs    BuildLogs
	id      uuid.UUID
	from    int           // the first line passed (0 is the first)
	line    int           // lines of the log read so far
	r       io.ReadCloser // the open log, kept while it is seekable
	offset  int64         // bytes of the log read so far, pending included
	pending []byte
	buf     []byte
}

// emit passes the whole lines appended to the log since the last call
// (and, when final, a last line without its newline); it reports whether
// it read anything.
func (t *logTail) emit(final bool, emit func(string) error) (bool, error) {
	if t.r == nil {
		log, err := t.logs.Open(t.id)
		if err != nil {
			return false, err
		}
		if s, ok := log.(io.Seeker); ok {
			if _, err := s.Seek(t.offset, io.SeekStart); err != nil {
				log.Close()
				return false, fmt.Errorf("seek build log: %w", err)
			}
		} else {
			if _, err := io.CopyN(io.Discard, log, t.offset); err != nil && !errors.Is(err, io.EOF) {
				log.Close()
				return false, fmt.Errorf("skip build log: %w", err)
			}
		}
		t.r = log
	}
	if _, keep := t.r.(io.Seeker); !keep {
		defer t.close()
	}
	if t.buf == nil {
		t.buf = make([]byte, 16<<10)
	}
	read := false
	for {
		n, err := t.r.Read(t.buf)
		if n > 0 {
			read = true
			t.offset += int64(n)
			t.pending = append(t.pending, t.buf[:n]...)
			if err := t.whole(emit); err != nil {
				return true, err
			}
		}
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return read, fmt.Errorf("read build log: %w", err)
		}
	}
	if final && len(t.pending) > 0 {
		last := string(t.pending)
		t.pending = t.pending[:0]
		return true, t.pass(last, emit)
	}
	return read, nil
}

// whole passes the whole lines in pending and keeps the rest.
func (t *logTail) whole(emit func(string) error) error {
	rest := t.pending
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		l := string(rest[:i])
		rest = rest[i+1:]
		if err := t.pass(l, emit); err != nil {
			t.pending = append(t.pending[:0], rest...)
			return err
		}
	}
	t.pending = append(t.pending[:0], rest...)
	return nil
}

// pass emits a line unless it comes before from.
func (t *logTail) pass(l string, emit func(string) error) error {
	t.line++
	if t.line-1 < t.from {
		return nil
	}
	return emit(l)
}

func (t *logTail) close() {
	if t.r != nil {
		_ = t.r.Close()
		t.r = nil
	}
}
