package commands

import (
	"bufio"
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

// followPoll is how often a followed build log is read again for new lines.
const followPoll = 100 * time.Millisecond

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
	var offset int64 // bytes of the log already passed, whole lines only
	line := 0
	stopped := false // the worker's last line after a cancellation was passed
	var settle time.Time
	pass := func(l string) error {
		stopped = stopped || l == errStopped.Error()
		return emit(l)
	}
	for {
		// The build's status is read before the log: once it has ended,
		// what this read finds is the whole log; except that the worker
		// of a cancelled build writes its last line after the
		// cancellation, which is waited for a while.
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
		final := ended && (stopped || time.Since(settle) > cancelSettle)
		n, read, err := a.emitLines(id, offset, &line, from, final, pass)
		offset += n
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

// emitLines passes the whole lines of the log after offset (and, when
// final, a last line without its newline); it returns the bytes passed and
// whether there were any.
func (a *Admin) emitLines(id uuid.UUID, offset int64, line *int, from int, final bool, emit func(string) error) (int64, bool, error) {
	log, err := a.cfg.BuildLogs.Open(id)
	if err != nil {
		return 0, false, err
	}
	defer log.Close()
	if s, ok := log.(io.Seeker); ok {
		if _, err := s.Seek(offset, io.SeekStart); err != nil {
			return 0, false, fmt.Errorf("seek build log: %w", err)
		}
	} else if _, err := io.CopyN(io.Discard, log, offset); err != nil && !errors.Is(err, io.EOF) {
		return 0, false, fmt.Errorf("skip build log: %w", err)
	}
	r := bufio.NewReader(log)
	var n int64
	for {
		text, err := r.ReadString('\n')
		whole := err == nil
		if !whole && (!final || text == "") {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return n, n > 0, err
		}
		n += int64(len(text))
		if *line >= from {
			if whole {
				text = text[:len(text)-1]
			}
			if err := emit(text); err != nil {
				return n, true, err
			}
		}
		*line++
		if !whole {
			return n, true, nil
		}
	}
}
