package commands

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/google/uuid"
)

// BuildLogCache holds the lines of build logs while their builds run, for
// the followers of every replica that shares it (in one process's memory,
// or Redis across replicas). Lines are numbered from 0; one writer (the
// build's worker) appends them in order.
type BuildLogCache interface {
	// Append adds lines as lines first, first+1, … of build id's log and
	// keeps the log for at least the cache's running TTL. Lines the log
	// already has are skipped (a retried append adds nothing twice); a
	// first beyond the log's end is ErrLogGap, and appending to a
	// completed log is ErrLogComplete.
	Append(ctx context.Context, id uuid.UUID, first int, lines []string) error
	// Complete marks the log of id as having all its lines, then keeps it
	// for ttl. Completing a completed log changes nothing but its TTL.
	Complete(ctx context.Context, id uuid.UUID, ttl time.Duration) error
	// Read returns up to MaxLogChunk lines of id's log from line from on;
	// when there are none yet and the log is not complete, it waits up to
	// wait for some (0: it does not wait). An unknown log has no lines.
	Read(ctx context.Context, id uuid.UUID, from int, wait time.Duration) (LogChunk, error)
}

// LogChunk is what one BuildLogCache.Read returns: lines from the asked
// line on, and whether the log is complete and these lines reach its end
// (its writer has no more).
type LogChunk struct {
	Lines    []string
	Complete bool
}

// MaxLogChunk bounds the lines of one BuildLogCache.Read.
const MaxLogChunk = 1000

// Errors of BuildLogCache.Append.
var (
	ErrLogGap      = errors.New("build log: append would leave a gap")
	ErrLogComplete = errors.New("build log: the log is complete")
)

// BuildLogPath is where file storage keeps the whole log of build id once
// its pipeline ended.
func BuildLogPath(id uuid.UUID) string { return "builds/" + id.String() + "/build.log" }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
