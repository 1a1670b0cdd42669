package commands

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/build"
)

// Timings of a followed log's reader.
const (
	// logWait bounds one wait of the cache for new lines.
	logWait = 500 * time.Millisecond
	// statusEvery is the time between two reads of a followed build's
	// status, until it has ended.
	statusEvery = 250 * time.Millisecond
	// cacheRetry is the pause after the cache or the read model failed.
	cacheRetry = time.Second
	// cancelSettle bounds the wait for a cancelled build's last lines:
	// its worker writes them after the cancellation was recorded.
	cancelSettle = 10 * time.Second
)

// logHub shares one reader of the cache per followed build among the
// followers in this process: 200 WebSocket clients of one build cost one
// blocking cache read, not 200.
type logHub struct {
	mu      sync.Mutex
	follows map[uuid.UUID]*logFollow
}

// logFollow is the log of one followed build as far as it was read, from
// line 0.
type logFollow struct {
	mu      sync.Mutex
	lines   []string
	ended   bool
	changed chan struct{} // closed and replaced when lines come or the log ends
	refs    int
	cancel  context.CancelFunc
}

// join returns the follow of build id, starting its reader if it is the
// first follower.
func (a *Admin) joinLog(id uuid.UUID) *logFollow {
	h := &a.logs
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.follows[id]
	if f == nil {
		ctx, cancel := context.WithCancel(context.Background())
		f = &logFollow{changed: make(chan struct{}), cancel: cancel}
		h.follows[id] = f
		go a.readLog(ctx, id, f)
	}
	f.refs++
	return f
}

// leaveLog drops a follower; the last one stops the reader.
func (a *Admin) leaveLog(id uuid.UUID, f *logFollow) {
	h := &a.logs
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.refs--; f.refs == 0 {
		f.cancel()
		if h.follows[id] == f {
			delete(h.follows, id)
		}
	}
}

// add appends lines and, when end, ends the log.
func (f *logFollow) add(lines []string, end bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(lines) == 0 && !end {
		return
	}
	f.lines = append(f.lines, lines...)
	f.ended = f.ended || end
	close(f.changed)
	f.changed = make(chan struct{})
}

// since returns the lines from line from on, whether they are the last,
// and a channel closed when there is more.
func (f *logFollow) since(from int) ([]string, bool, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var lines []string
	if from < len(f.lines) {
		lines = f.lines[from:len(f.lines):len(f.lines)]
	}
	return lines, f.ended, f.changed
}

// readLog reads build id's log from the cache into f until the build has
// ended: its terminal event (succeeded, failed or cancelled) in the read
// model is the end of the log. The status is read by watchStatus on the
// side, so that a slow read of the read model holds no line back. Only for
// a cancelled build, whose worker writes its last lines after the
// cancellation, does it wait, up to cancelSettle, for the writer to
// complete the log. Lines the cache lacks then (another replica's memory,
// an expired entry) come from file storage.
func (a *Admin) readLog(ctx context.Context, id uuid.UUID, f *logFollow) {
	pause := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	// The watcher cancels watchCtx once it saw the end, which stops a wait
	// for lines at once; the reader then waits with ctx.
	ended := make(chan build.Status, 1)
	watchCtx, stopWait := context.WithCancel(ctx)
	defer stopWait()
	go a.watchStatus(watchCtx, id, ended, stopWait)
	pos := 0
	var status build.Status
	var endSeen time.Time
	for {
		waitCtx := watchCtx
		if !endSeen.IsZero() {
			waitCtx = ctx
		}
		chunk, err := a.cfg.LogCache.Read(waitCtx, id, pos, logWait)
		if ctx.Err() != nil {
			return
		}
		if err != nil && waitCtx.Err() == nil { // the cache failed, not a wait stopped by the end
			if !pause(cacheRetry) {
				return
			}
			continue
		}
		f.add(chunk.Lines, false)
		pos += len(chunk.Lines)
		if endSeen.IsZero() && chunk.Complete && len(chunk.Lines) == 0 {
			// a complete log is not waited for by the cache: wait here for the end
			select {
			case <-ctx.Done():
				return
			case status = <-ended:
				endSeen = time.Now()
			}
		} else if endSeen.IsZero() {
			select {
			case status = <-ended:
				endSeen = time.Now()
			default:
			}
		}
		if !endSeen.IsZero() && (status != build.StatusCancelled || chunk.Complete || pos == 0 || time.Since(endSeen) > cancelSettle) {
			a.finishLog(ctx, id, f, pos)
			return
		}
	}
}

// watchStatus reads build id's status every statusEvery until it has
// ended, then passes it to ended and calls stop.
func (a *Admin) watchStatus(ctx context.Context, id uuid.UUID, ended chan<- build.Status, stop func()) {
	for {
		wait := statusEvery
		status, err := a.cfg.Reads.BuildStatus(ctx, id)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			wait = cacheRetry
		case status.Ended():
			ended <- status
			stop()
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// finishLog adds what the cache and then file storage have after line pos,
// and ends the log.
func (a *Admin) finishLog(ctx context.Context, id uuid.UUID, f *logFollow, pos int) {
	for {
		chunk, err := a.cfg.LogCache.Read(ctx, id, pos, 0)
		if err != nil || len(chunk.Lines) == 0 {
			break
		}
		f.add(chunk.Lines, false)
		pos += len(chunk.Lines)
	}
	var rest []string
	_, _ = a.storedLog(ctx, id, func(n int, line string) error {
		if n >= pos {
			rest = append(rest, line)
		}
		return nil
	})
	f.add(rest, true)
}

// storedLog passes each line of build id's log in file storage, with its
// number, to emit; it returns false when there is no such file.
func (a *Admin) storedLog(ctx context.Context, id uuid.UUID, emit func(n int, line string) error) (bool, error) {
	if a.cfg.Files == nil {
		return false, nil
	}
	rc, err := a.cfg.Files.Open(ctx, BuildLogPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer rc.Close()
	r := bufio.NewReader(rc)
	for n := 0; ; n++ {
		text, err := r.ReadString('\n')
		if text != "" {
			if err := emit(n, strings.TrimSuffix(text, "\n")); err != nil {
				return true, err
			}
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return true, err
		}
	}
}
