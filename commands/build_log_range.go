package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// MaxLogRange bounds the lines of one BuildLogLines.
const MaxLogRange = 10000

// LogRange asks for part of a build's log: Limit lines from line From on
// (0 is the first), or, with Tail, its last Tail lines.
type LogRange struct {
	From  int
	Limit int
	Tail  int
}

// Validate reports what is wrong with r.
func (r LogRange) Validate() error {
	switch {
	case r.Tail < 0 || r.Tail > MaxLogRange:
		return domain.Errorf(domain.KindInvalid, "tail must be 1 to %d lines, got %d", MaxLogRange, r.Tail)
	case r.Tail > 0 && r.From != 0:
		return domain.Errorf(domain.KindInvalid, "ask for the last lines (tail) or for lines from a line (from), not both")
	case r.Tail > 0:
		return nil
	case r.From < 0:
		return domain.Errorf(domain.KindInvalid, "from must be a line number (0 or more), got %d", r.From)
	case r.Limit < 1 || r.Limit > MaxLogRange:
		return domain.Errorf(domain.KindInvalid, "limit must be 1 to %d lines, got %d", MaxLogRange, r.Limit)
	}
	return nil
}

// LogLines is part of a build's log: lines From, From+1, … of it.
type LogLines struct {
	From  int
	Lines []string
}

// errEnough stops a read of a log once it has the lines it wants.
var errEnough = errors.New("enough lines")

// BuildLogLines returns part of the log of a build the caller can see, as
// written so far. Lines are numbered as the live stream numbers them, so a
// reader may join both: lines file storage keeps (the whole log once the
// pipeline ended; a running build's log as of its last checkpoint) and
// then the lines after those that the build-log cache has.
func (a *Admin) BuildLogLines(ctx context.Context, p Principal, id uuid.UUID, r LogRange) (LogLines, error) {
	if err := r.Validate(); err != nil {
		return LogLines{}, err
	}
	if _, err := a.GetBuild(ctx, p, id); err != nil {
		return LogLines{}, err
	}
	if a.cfg.LogCache == nil {
		return LogLines{}, domain.Errorf(domain.KindUnavailable, "build logs are not configured")
	}
	if r.Tail > 0 {
		ring := make([]string, r.Tail)
		n, err := a.eachLogLine(ctx, id, 0, func(n int, line string) error {
			ring[n%r.Tail] = line
			return nil
		})
		if err != nil {
			return LogLines{}, err
		}
		out := LogLines{From: max(0, n-r.Tail)}
		for i := out.From; i < n; i++ {
			out.Lines = append(out.Lines, ring[i%r.Tail])
		}
		return out, nil
	}
	out := LogLines{From: r.From}
	_, err := a.eachLogLine(ctx, id, r.From, func(_ int, line string) error {
		out.Lines = append(out.Lines, line)
		if len(out.Lines) == r.Limit {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return LogLines{}, err
	}
	return out, nil
}

// eachLogLine passes each line of build id's log from line from on, with
// its number, to emit: first those file storage keeps, then those after
// them in the cache. It returns the number of lines the log has (when emit
// stopped it, the lines up to there; from, when the log is shorter).
func (a *Admin) eachLogLine(ctx context.Context, id uuid.UUID, from int, emit func(n int, line string) error) (int, error) {
	pos := 0
	if _, err := a.storedLog(ctx, id, func(n int, line string) error {
		pos = n + 1
		if n < from {
			return nil
		}
		return emit(n, line)
	}); err != nil {
		if errors.Is(err, errEnough) {
			return pos, err
		}
		return pos, fmt.Errorf("read the log of build %s: %w", id, err)
	}
	pos = max(pos, from)
	for {
		chunk, err := a.cfg.LogCache.Read(ctx, id, pos, 0)
		if err != nil {
			return pos, fmt.Errorf("read the live log of build %s: %w", id, err)
		}
		for _, l := range chunk.Lines {
			if err := emit(pos, l); err != nil {
				return pos + 1, err
			}
			pos++
		}
		if len(chunk.Lines) < MaxLogChunk {
			return pos, nil
		}
	}
}
