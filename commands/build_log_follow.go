package commands

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// FollowBuildLog passes each line of a build's log from line from (0 is
// the first) to emit, as it is written on any replica, until the build has
// ended and its whole log was passed, ctx ends, or emit fails. The log of
// an ended build comes from file storage; a running build's from the
// build-log cache.
func (a *Admin) FollowBuildLog(ctx context.Context, p Principal, id uuid.UUID, from int, emit func(line string) error) error {
	if from < 0 {
		return domain.Errorf(domain.KindInvalid, "from must be 0 or more, got %d", from)
	}
	if _, err := a.GetBuild(ctx, p, id); err != nil {
		return err
	}
	if a.cfg.LogCache == nil {
		return domain.Errorf(domain.KindUnavailable, "build logs are not configured")
	}
	status, err := a.cfg.Reads.BuildStatus(ctx, id)
	if err != nil {
		return fmt.Errorf("read build %s: %w", id, err)
	}
	if status.Ended() {
		found, err := a.storedLog(ctx, id, func(n int, line string) error {
			if n < from {
				return nil
			}
			return emit(line)
		})
		if found || err != nil {
			return err
		}
	}
	f := a.joinLog(id)
	defer a.leaveLog(id, f)
	pos := from
	for {
		lines, ended, changed := f.since(pos)
		for _, l := range lines {
			if err := emit(l); err != nil {
				return err
			}
		}
		pos += len(lines)
		if ended {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// BuildLog returns the log of a build the caller can see, as written so
// far: from file storage once its pipeline ended, else from the cache.
func (a *Admin) BuildLog(ctx context.Context, p Principal, id uuid.UUID) (io.ReadCloser, error) {
	if _, err := a.GetBuild(ctx, p, id); err != nil {
		return nil, err
	}
	if a.cfg.LogCache == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "build logs are not configured")
	}
	if a.cfg.Files != nil {
		rc, err := a.cfg.Files.Open(ctx, BuildLogPath(id))
		if err == nil {
			return rc, nil
		}
		if !isNotExist(err) {
			return nil, fmt.Errorf("read the log of build %s: %w", id, err)
		}
	}
	var b strings.Builder
	for pos := 0; ; {
		chunk, err := a.cfg.LogCache.Read(ctx, id, pos, 0)
		if err != nil {
			return nil, fmt.Errorf("read the live log of build %s: %w", id, err)
		}
		for _, l := range chunk.Lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		pos += len(chunk.Lines)
		if len(chunk.Lines) < MaxLogChunk {
			return io.NopCloser(strings.NewReader(b.String())), nil
		}
	}
}
