package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"
)

// parsed is one file read and parsed, waiting for its batch's insert.
type parsed struct {
	file      ObservabilityFile
	spans     []SpanRow
	logs      []LogRow
	malformed []Malformed
}

// batch ingests files of one kind: the files the store already has are
// only finished (moved or deleted); the others are parsed, Parallel files
// at a time, and inserted in batches of about BatchRows rows by Inserts
// goroutines while the next batches are parsed (the files left at the
// end in Inserts parts at once: see batcher), then finished. The first
// insert that fails ends the pass: the batches not yet inserted wait for
// the next one.
func (in *Ingester) batch(ctx context.Context, kind string, files []ObservabilityFile) error {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Path
	}
	done, err := in.cfg.Store.IngestedFiles(ctx, names)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	var todo []ObservabilityFile
	for _, f := range files {
		if done[f.Path] {
			in.finish(ctx, f.Path) // ingested before a crash or a failed move
			continue
		}
		todo = append(todo, f)
	}
	if len(todo) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results, release := in.parseAll(ctx, todo)

	batches := make(chan []parsed)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range in.cfg.Inserts {
		wg.Go(func() {
			for b := range batches {
				if ctx.Err() != nil {
					continue // the pass is ending
				}
				if err := in.flush(ctx, kind, b); err != nil {
					mu.Lock()
					failed = cmp.Or(failed, err)
					mu.Unlock()
					cancel() // stop parsing and the other inserts
				}
			}
		})
	}
	send := func(b []parsed) {
		select {
		case batches <- b:
		case <-ctx.Done():
		}
	}
	cut := batcher{rows: in.cfg.BatchRows, parts: in.cfg.Inserts}
	for i, ch := range results {
		r, ok := <-ch
		if !ok { // cancelled
			break
		}
		release()
		p := &r.p
		if r.err != nil {
			in.cfg.OnError(r.err)
			p = nil // nothing to insert, but the tail may end here
		}
		for _, b := range cut.add(p, i == len(results)-1) {
			send(b)
		}
	}
	close(batches)
	wg.Wait()
	return failed
}

// batcher cuts the files of a pass, as they are parsed, into the batches
// to insert: a batch as soon as the files hold rows rows, except the
// files left at the end (even a full batch): that tail is split into
// parts parts of about the same rows, which go in side by side while
// nothing is left to parse.
type batcher struct {
	rows, parts int
	pending     []parsed
	n           int // rows in pending
}

// add takes the next file (nil for a file that failed) and returns the
// batches ready to insert; last says it is the pass's last.
func (b *batcher) add(p *parsed, last bool) [][]parsed {
	if p != nil {
		b.pending = append(b.pending, *p)
		b.n += len(p.spans) + len(p.logs)
	}
	var out [][]parsed
	switch {
	case last:
		out = splitBatch(b.pending, b.n, b.parts)
	case b.n >= b.rows:
		out = [][]parsed{b.pending}
	default:
		return nil
	}
	b.pending, b.n = nil, 0
	return out
}

// splitBatch cuts batch (of rows rows) into at most n parts of whole
// files and about the same number of rows each.
func splitBatch(batch []parsed, rows, n int) [][]parsed {
	var parts [][]parsed
	start, acc := 0, 0
	for i, p := range batch {
		acc += len(p.spans) + len(p.logs)
		if len(parts) < n-1 && acc*n >= rows*(len(parts)+1) {
			parts = append(parts, batch[start:i+1])
			start = i + 1
		}
	}
	if start < len(batch) {
		parts = append(parts, batch[start:])
	}
	return parts
}

type parseResult struct {
	p   parsed
	err error
}

// parseAll parses files with Parallel workers, at most 4·Parallel files
// ahead of the reader, who calls release after taking each result. Each
// file's result comes on its own channel, in the order of files; when ctx
// ends, the channels not yet served are closed empty.
func (in *Ingester) parseAll(ctx context.Context, files []ObservabilityFile) (results []chan parseResult, release func()) {
	out := make([]chan parseResult, len(files))
	for i := range out {
		out[i] = make(chan parseResult, 1)
	}
	ahead := make(chan struct{}, 4*in.cfg.Parallel)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range files {
			// Slots are taken in the order of files, so the file the
			// reader waits for always holds one.
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(files); j++ {
					close(out[j])
				}
				return
			}
			next <- i
		}
	}()
	for w := 0; w < in.cfg.Parallel; w++ {
		go func() {
			for i := range next {
				p, err := in.parse(ctx, files[i])
				out[i] <- parseResult{p: p, err: err}
				close(out[i])
			}
		}()
	}
	return out, func() { <-ahead }
}

// parse reads and parses one file. A file that vanished in the meantime
// (another ingester finished it) is no error worth more than a report.
func (in *Ingester) parse(ctx context.Context, f ObservabilityFile) (parsed, error) {
	p := parsed{file: f}
	r, err := in.cfg.Files.Open(ctx, f.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return p, fmt.Errorf("ingest: %s is gone: %w", f.Path, err)
		}
		return p, fmt.Errorf("ingest: open %s: %w", f.Path, err)
	}
	defer r.Close()
	meta := ParseMeta{File: f.Path, ProjectID: f.ProjectID, DeploymentID: f.DeploymentID, MaxPayloadBytes: in.cfg.MaxPayloadBytes}
	if f.Kind == KindSpans {
		p.spans, p.malformed, err = in.cfg.Parser.ParseSpans(r, meta)
	} else {
		p.logs, p.malformed, err = in.cfg.Parser.ParseLogs(r, meta)
	}
	if err != nil {
		return p, fmt.Errorf("ingest: read %s: %w", f.Path, err)
	}
	return p, nil
}

// flush quarantines the files' malformed lines, inserts their rows
// (exactly once per file: see ObservabilityStore) and finishes them.
// The quarantine file is written before the insert: once the store has a
// file, a retry only finishes it and would not write it.
func (in *Ingester) flush(ctx context.Context, kind string, batch []parsed) error {
	if len(batch) == 0 {
		return nil
	}
	for _, p := range batch {
		if len(p.malformed) > 0 {
			if err := in.quarantine(ctx, p); err != nil {
				return err
			}
		}
	}
	var err error
	var spans, logs, malformed, quarantined int
	for _, p := range batch {
		malformed += len(p.malformed)
		if len(p.malformed) > 0 {
			quarantined++
		}
	}
	if kind == KindSpans {
		files := make([]SpanFile, len(batch))
		for i, p := range batch {
			files[i] = SpanFile{File: p.file.Path, Rows: p.spans}
			spans += len(p.spans)
		}
		err = in.cfg.Store.InsertSpans(ctx, files)
	} else {
		files := make([]LogFile, len(batch))
		for i, p := range batch {
			files[i] = LogFile{File: p.file.Path, Rows: p.logs}
			logs += len(p.logs)
		}
		err = in.cfg.Store.InsertLogs(ctx, files)
	}
	if err != nil {
		return fmt.Errorf("ingest: insert %d %s files: %w", len(batch), kind, err)
	}
	in.count(func(s *IngestStatus) {
		s.Files += uint64(len(batch))
		s.Spans += uint64(spans)
		s.Logs += uint64(logs)
		s.Malformed += uint64(malformed)
		s.Quarantined += uint64(quarantined)
	})
	for _, p := range batch {
		in.finish(ctx, p.file.Path)
	}
	return nil
}

// quarantineLine is one line of a quarantine file.
type quarantineLine struct {
	Line   uint32 `json:"line"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// quarantine writes the malformed lines of a file, with their reasons,
// to QuarantinePrefix + its path, one JSON object per line.
func (in *Ingester) quarantine(ctx context.Context, p parsed) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, m := range p.malformed {
		if err := enc.Encode(quarantineLine{Line: m.Line, Reason: m.Reason, Text: m.Text}); err != nil {
			return fmt.Errorf("ingest: quarantine %s: %w", p.file.Path, err)
		}
	}
	if err := in.cfg.Files.Write(ctx, QuarantinePrefix+p.file.Path, &buf); err != nil {
		return fmt.Errorf("ingest: quarantine %s: %w", p.file.Path, err)
	}
	return nil
}

// finish moves an ingested file under ProcessedPrefix, or deletes it. A
// failure is reported; the next pass finds the file again, sees that the
// store has it, and finishes it without inserting anything.
func (in *Ingester) finish(ctx context.Context, path string) {
	var err error
	if in.cfg.Delete {
		err = in.cfg.Files.Delete(ctx, path)
	} else {
		err = in.cfg.Files.Move(ctx, path, ProcessedPrefix+path)
	}
	if err != nil {
		in.cfg.OnError(fmt.Errorf("ingest: finish %s: %w", path, err))
		return
	}
	in.count(func(s *IngestStatus) { s.Waiting-- })
}
