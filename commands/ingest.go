package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// IngestConfig configures an Ingester.
type IngestConfig struct {
	Files  FileStorage
	Parser ObservabilityParser
	Store  ObservabilityStore
	Clock  Clock // default SystemClock
	// Interval is the pause between two passes over file storage
	// (default 1 s).
	Interval time.Duration
	// Backoff is the first pause after a failed pass; it doubles up to
	// MaxBackoff while passes keep failing (defaults 1 s and 1 min).
	Backoff    time.Duration
	MaxBackoff time.Duration
	// BatchRows and BatchFiles bound what one batch carries (defaults
	// 200,000 rows and 1,000 files), and so the memory a batch holds
	// (about 1 KB a span). Batches smaller than a pass let the inserts of
	// the first run while the next are parsed; the files left at the end
	// go in as Inserts parts side by side. Every batch costs the store a
	// few small writes (see ObservabilityStore), so fewer, larger ones
	// are faster.
	BatchRows  int
	BatchFiles int
	// Parallel is how many files are parsed at once (default the number
	// of CPUs Go uses).
	Parallel int
	// Inserts is how many batches are inserted at once (default 2): the
	// store works on one while the next is sent.
	Inserts int
	// Delete removes ingested files instead of moving them under
	// ProcessedPrefix.
	Delete bool
	// MaxPayloadBytes is passed to the parser (0: its default).
	MaxPayloadBytes int
	// Retention drops the data older than this once per RetentionEvery
	// (0: keep everything; RetentionEvery default 1 h).
	Retention      time.Duration
	RetentionEvery time.Duration
	// OnError reports errors the ingester survives (nil: dropped); it may
	// be called from several goroutines at once.
	OnError func(error)
}

func (c *IngestConfig) setDefaults() {
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.Backoff == 0 {
		c.Backoff = time.Second
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = time.Minute
	}
	if c.BatchRows == 0 {
		c.BatchRows = 200_000
	}
	if c.BatchFiles == 0 {
		c.BatchFiles = 1000
	}
	if c.Parallel == 0 {
		c.Parallel = runtime.GOMAXPROCS(0)
	}
	if c.Inserts == 0 {
		c.Inserts = 2
	}
	if c.RetentionEvery == 0 {
		c.RetentionEvery = time.Hour
	}
	if c.OnError == nil {
		c.OnError = func(error) {}
	}
}

// Validate reports what is missing or wrong.
func (c IngestConfig) Validate() error {
	var errs []error
	if c.Files == nil {
		errs = append(errs, errors.New("ingest: file storage is nil"))
	}
	if c.Parser == nil {
		errs = append(errs, errors.New("ingest: parser is nil"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("ingest: observability store is nil"))
	}
	if c.Interval < 0 || c.Backoff < 0 || c.MaxBackoff < 0 || c.RetentionEvery < 0 {
		errs = append(errs, errors.New("ingest: intervals must not be negative"))
	}
	if c.BatchRows < 0 || c.BatchFiles < 0 || c.MaxPayloadBytes < 0 || c.Parallel < 0 || c.Inserts < 0 {
		errs = append(errs, errors.New("ingest: batch sizes and the payload limit must not be negative"))
	}
	if c.Retention < 0 {
		errs = append(errs, errors.New("ingest: retention must not be negative"))
	}
	return errors.Join(errs...)
}

// IngestStatus is what the ingester has done and whether its store is up.
type IngestStatus struct {
	StoreUp      bool      `json:"storeUp"`
	LastError    string    `json:"lastError,omitempty"`
	FailingSince time.Time `json:"failingSince,omitzero"`
	// Waiting is the files found at the start of the last pass that it
	// did not ingest.
	Waiting   int       `json:"waiting"`
	LastPass  time.Time `json:"lastPass,omitzero"`
	Passes    uint64    `json:"passes"`
	Failures  uint64    `json:"failures"`
	Files     uint64    `json:"files"`     // files ingested
	Spans     uint64    `json:"spans"`     // span rows parsed from ingested files
	Logs      uint64    `json:"logs"`      // log rows parsed from ingested files
	Malformed uint64    `json:"malformed"` // malformed lines seen
	// Quarantined counts the files whose malformed lines were written
	// under QuarantinePrefix, and the files refused whole.
	Quarantined uint64 `json:"quarantined"`
}

// Ingester moves observability files from file storage into the store.
type Ingester struct {
	cfg IngestConfig

	mu     sync.Mutex
	status IngestStatus
}

// NewIngester checks cfg and returns an Ingester.
func NewIngester(cfg IngestConfig) (*Ingester, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Ingester{cfg: cfg, status: IngestStatus{StoreUp: true}}, nil
}

// Status returns a copy of the ingester's status.
func (in *Ingester) Status() IngestStatus {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.status
}

// Run ingests until ctx ends: a pass, then Interval's pause, or after a
// failed pass a backoff that doubles up to MaxBackoff. Files wait in file
// storage while the store is down; nothing is lost.
func (in *Ingester) Run(ctx context.Context) error {
	var lastRetention time.Time
	pause := in.cfg.Backoff
	for {
		err := in.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := in.cfg.Interval
		if err != nil {
			in.cfg.OnError(err)
			wait, pause = pause, min(2*pause, in.cfg.MaxBackoff)
		} else {
			pause = in.cfg.Backoff
			if in.cfg.Retention > 0 && in.cfg.Clock.Now().Sub(lastRetention) >= in.cfg.RetentionEvery {
				if _, err := in.ApplyRetention(ctx); err != nil {
					in.cfg.OnError(err)
				} else {
					lastRetention = in.cfg.Clock.Now()
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// ApplyRetention drops the store's data older than Retention.
func (in *Ingester) ApplyRetention(ctx context.Context) ([]string, error) {
	if in.cfg.Retention <= 0 {
		return nil, nil
	}
	dropped, err := in.cfg.Store.DropBefore(ctx, in.cfg.Clock.Now().Add(-in.cfg.Retention))
	if err != nil {
		return dropped, fmt.Errorf("ingest: retention: %w", err)
	}
	return dropped, nil
}

// RunOnce makes one pass: it lists the files waiting under
// ObservabilityPrefix and ingests them all in batches. A store error ends
// the pass (the files wait for the next); a file storage error on one
// file is reported through OnError and the file is tried again next pass.
func (in *Ingester) RunOnce(ctx context.Context) error {
	err := in.pass(ctx)
	in.mu.Lock()
	defer in.mu.Unlock()
	in.status.Passes++
	in.status.LastPass = in.cfg.Clock.Now()
	if err != nil {
		in.status.Failures++
		in.status.LastError = err.Error()
		if errors.Is(err, ErrStoreUnavailable) {
			if in.status.StoreUp {
				in.status.FailingSince = in.status.LastPass
			}
			in.status.StoreUp = false
		}
		return err
	}
	in.status.StoreUp, in.status.LastError, in.status.FailingSince = true, "", time.Time{}
	return nil
}

func (in *Ingester) pass(ctx context.Context) error {
	paths, err := in.cfg.Files.List(ctx, ObservabilityPrefix)
	if err != nil {
		return fmt.Errorf("ingest: list %s: %w", ObservabilityPrefix, err)
	}
	in.setWaiting(len(paths))
	byKind := map[string][]ObservabilityFile{}
	for _, p := range paths {
		f, err := ParseObservabilityPath(p)
		if err != nil {
			in.refuse(ctx, p, err)
			continue
		}
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	for _, kind := range []string{KindSpans, KindLogs} {
		files := byKind[kind]
		for start := 0; start < len(files); start += in.cfg.BatchFiles {
			if err := in.batch(ctx, kind, files[start:min(start+in.cfg.BatchFiles, len(files))]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (in *Ingester) setWaiting(n int) {
	in.mu.Lock()
	in.status.Waiting = n
	in.mu.Unlock()
}

func (in *Ingester) count(update func(s *IngestStatus)) {
	in.mu.Lock()
	update(&in.status)
	in.mu.Unlock()
}

// refuse moves a file that is no observability file under
// QuarantinePrefix, with a .reason file beside it.
func (in *Ingester) refuse(ctx context.Context, path string, reason error) {
	q := QuarantinePrefix + path
	err := in.cfg.Files.Write(ctx, q+".reason", bytes.NewReader([]byte(reason.Error()+"\n")))
	if err == nil {
		err = in.cfg.Files.Move(ctx, path, q)
	}
	if err != nil {
		in.cfg.OnError(fmt.Errorf("ingest: quarantine %s: %w", path, err))
		return
	}
	in.count(func(s *IngestStatus) { s.Quarantined++; s.Waiting-- })
}
