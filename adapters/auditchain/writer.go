package auditchain

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"hash"
	"io"
)

// Options configures a Writer.
type Options struct {
	// Key, if not empty, signs the trailer with HMAC-SHA256 so that a
	// forger without the key cannot recompute the chain undetected. Use at
	// least 32 random bytes. Without a key the chain detects edits,
	// removals and reordering but not a full recomputation (see the
	// package doc).
	Key []byte
}

// Writer writes a hash-chained export, one line per Write and a trailer on
// Close. It buffers its output; nothing is guaranteed to reach the
// underlying writer before Close. A Writer is not safe for concurrent use.
type Writer struct {
	enc    encoder
	key    []byte
	hasher hash.Hash
	buf    []byte
	count  int64
	head   digest
	closed bool
	err    error // sticky write error
}

type encoder interface {
	entry(canonical []byte, seq int64, e *Entry, prev, h digest) error
	trailer(t trailer) error
	flush() error
}

// NewWriter returns a Writer that writes an export in format to w. For CSV
// the header row is written at once. Close does not close w.
func NewWriter(w io.Writer, format Format, opts Options) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var enc encoder
	switch format {
	case JSONL:
		enc = &jsonlEncoder{w: bw}
	case CSV:
		c := &csvEncoder{w: csv.NewWriter(bw)}
		if err := c.w.Write(csvHeader); err != nil {
			return nil, fmt.Errorf("write csv header: %w", err)
		}
		enc = c
	default:
		return nil, fmt.Errorf("new writer for format %q: %w", format, ErrUnknownFormat)
	}
	return &Writer{enc: enc, key: bytes.Clone(opts.Key), hasher: sha256.New()}, nil
}

// Write appends e as the next line of the export. An invalid entry is
// rejected with ErrInvalidEntry and leaves the Writer usable; an error of
// the underlying writer is returned by every later call.
func (w *Writer) Write(e Entry) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrClosed
	}
	seq := w.count + 1
	e, err := normalize(e)
	if err != nil {
		return fmt.Errorf("write entry seq %d (position %d): %w", seq, e.Position, err)
	}
	w.buf = appendCanonical(w.buf[:0], seq, &e)
	if len(w.buf) > MaxEntryBytes {
		return fmt.Errorf("write entry seq %d (position %d): %d bytes exceed %d: %w",
			seq, e.Position, len(w.buf), MaxEntryBytes, ErrInvalidEntry)
	}
	h := chainHash(w.hasher, w.head, w.buf)
	if err := w.enc.entry(w.buf, seq, &e, w.head, h); err != nil {
		w.err = fmt.Errorf("write entry seq %d: %w", seq, err)
		return w.err
	}
	w.count, w.head = seq, h
	return nil
}

// Close writes the trailer and flushes the output. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	t := trailer{count: w.count, head: w.head}
	if len(w.key) > 0 {
		t.signed, t.mac = true, sign(w.key, t.count, t.head)
	}
	if err := w.enc.trailer(t); err != nil {
		w.err = fmt.Errorf("write trailer: %w", err)
		return w.err
	}
	if err := w.enc.flush(); err != nil {
		w.err = fmt.Errorf("flush export: %w", err)
		return w.err
	}
	return nil
}

// Count returns the number of entries written so far.
func (w *Writer) Count() int64 { return w.count }

// Head returns the hash of the last entry written so far (Genesis before the
// first), the value the trailer will carry. Record it elsewhere to detect a
// full recomputation of an unsigned export.
func (w *Writer) Head() string { return w.head.String() }

type jsonlEncoder struct {
	w    *bufio.Writer
	line []byte
}

func (j *jsonlEncoder) entry(canonical []byte, _ int64, _ *Entry, prev, h digest) error {
	j.line = append(appendJSONLEntry(j.line[:0], canonical, prev, h), '\n')
	_, err := j.w.Write(j.line)
	return err
}

func (j *jsonlEncoder) trailer(t trailer) error {
	j.line = append(appendJSONLTrailer(j.line[:0], t), '\n')
	_, err := j.w.Write(j.line)
	return err
}

func (j *jsonlEncoder) flush() error { return j.w.Flush() }

type csvEncoder struct {
	w   *csv.Writer
	rec []string
}

func (c *csvEncoder) entry(_ []byte, seq int64, e *Entry, prev, h digest) error {
	c.rec = csvEntryRecord(c.rec, seq, e, prev, h)
	return c.w.Write(c.rec)
}

func (c *csvEncoder) trailer(t trailer) error { return c.w.Write(csvTrailerRecord(t)) }

func (c *csvEncoder) flush() error {
	c.w.Flush()
	return c.w.Error()
}
