package auditchain

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// item is one line of an export: an entry or (trailer != nil) the trailer.
type item struct {
	line      int
	rec       record
	canonical []byte // valid until the next call of next
	trailer   *trailer
}

// decoder reads an export line by line. next returns io.EOF at the end, a
// *LineError for a bad line (reading may go on) and any other error when
// reading cannot go on; failed reports whether it can.
type decoder interface {
	next() (item, error)
	failed() bool
	// endLine is the number of the last line read.
	endLine() int
}

// detectFormat peeks at the first non-space byte: '{' is JSONL, anything
// else CSV.
func detectFormat(br *bufio.Reader) (Format, error) {
	for i := 0; ; i++ {
		b, err := br.Peek(i + 1)
		if len(b) <= i {
			switch {
			case errors.Is(err, io.EOF):
				return "", lineErr(1, ErrTruncated, "export is empty")
			case errors.Is(err, bufio.ErrBufferFull):
				return "", lineErr(1, ErrMalformed, "export starts with %d bytes of white space", i)
			default:
				return "", fmt.Errorf("read export: %w", err)
			}
		}
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return JSONL, nil
		default:
			return CSV, nil
		}
	}
}

type jsonlDecoder struct {
	src    *source
	sc     *bufio.Scanner
	line   int
	dead   bool
	wire   wireDecoder
	maxLen int
}

func newJSONLDecoder(r io.Reader, maxLen int) *jsonlDecoder {
	src := &source{r: r}
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, min(64<<10, maxLen)), maxLen)
	return &jsonlDecoder{src: src, sc: sc, maxLen: maxLen}
}

func (d *jsonlDecoder) next() (item, error) {
	for d.sc.Scan() {
		d.line++
		b := d.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		it, err := d.decode(b)
		if err != nil && d.src.err != nil { // b may be cut short by the read error
			d.dead = true
			return item{}, fmt.Errorf("read line %d: %w", d.line, d.src.err)
		}
		return it, err
	}
	err := d.sc.Err()
	if err == nil {
		return item{}, io.EOF
	}
	d.dead = true
	if errors.Is(err, bufio.ErrTooLong) {
		return item{}, lineErr(d.line+1, ErrMalformed, "line is longer than %d bytes", d.maxLen)
	}
	return item{}, fmt.Errorf("read line %d: %w", d.line+1, err)
}

func (d *jsonlDecoder) decode(b []byte) (item, error) {
	it := item{line: d.line}
	if !utf8.Valid(b) {
		return it, lineErr(d.line, ErrMalformed, "line is not valid utf-8")
	}
	if bytes.HasPrefix(b, jsonlTrailerPrefix) {
		t, err := d.wire.jsonlTrailer(b)
		if err != nil {
			return it, lineErr(d.line, ErrMalformed, "%v", err)
		}
		it.trailer = &t
		return it, nil
	}
	rec, err := d.wire.jsonlEntry(b)
	if err != nil {
		return it, lineErr(d.line, ErrMalformed, "%v", err)
	}
	it.rec, it.canonical = rec, d.wire.canonical
	return it, nil
}

func (d *jsonlDecoder) failed() bool { return d.dead }
func (d *jsonlDecoder) endLine() int { return d.line }

type csvDecoder struct {
	r    *csv.Reader
	src  *source
	end  int
	dead bool
	wire wireDecoder
}

// newCSVDecoder reads and checks the header row.
func newCSVDecoder(r io.Reader, maxLen int) (*csvDecoder, error) {
	src := &source{r: r, max: int64(maxLen)}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	d := &csvDecoder{r: cr, src: src}
	rec, err := d.read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, lineErr(1, ErrTruncated, "export is empty")
		}
		return nil, err
	}
	if !slices.Equal(rec, csvHeader) {
		return nil, lineErr(1, ErrMalformed, "first row is not the csv header")
	}
	return d, nil
}

func (d *csvDecoder) read() ([]string, error) {
	rec, err := d.r.Read()
	d.src.n = 0
	var pe *csv.ParseError
	switch {
	case d.src.err != nil: // rec may be cut short by the read error
		d.dead = true
		return nil, fmt.Errorf("read csv after line %d: %w", d.end, d.src.err)
	case err == nil:
		line, _ := d.r.FieldPos(0)
		last, _ := d.r.FieldPos(len(rec) - 1)
		d.end = max(line, last+strings.Count(rec[len(rec)-1], "\n"))
		size := len(rec)
		for _, f := range rec {
			size += len(f)
		}
		if size > int(d.src.max) {
			return nil, lineErr(line, ErrMalformed, "csv row is longer than %d bytes", d.src.max)
		}
		return rec, nil
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, errRecordTooLong):
		d.dead = true
		return nil, lineErr(d.end+1, ErrMalformed, "csv row is longer than %d bytes", d.src.max)
	case errors.As(err, &pe):
		d.end = pe.Line
		return nil, lineErr(pe.StartLine, ErrMalformed, "%v", pe.Err)
	default:
		d.dead = true
		return nil, fmt.Errorf("read csv after line %d: %w", d.end, err)
	}
}

func (d *csvDecoder) next() (item, error) {
	rec, err := d.read()
	if err != nil {
		return item{}, err
	}
	line, _ := d.r.FieldPos(0)
	it := item{line: line}
	if rec[0] == csvTrailerMarker {
		t, err := d.wire.csvTrailer(rec)
		if err != nil {
			return it, lineErr(line, ErrMalformed, "%v", err)
		}
		it.trailer = &t
		return it, nil
	}
	r, err := d.wire.csvEntry(rec)
	if err != nil {
		return it, lineErr(line, ErrMalformed, "%v", err)
	}
	it.rec, it.canonical = r, d.wire.canonical
	return it, nil
}

func (d *csvDecoder) failed() bool { return d.dead }
func (d *csvDecoder) endLine() int { return d.end }

var errRecordTooLong = errors.New("auditchain: csv record too long")

// source wraps the input. It remembers a read error, so that a line cut
// short by one is reported as that error and not as a malformed line, and,
// for CSV, bounds how much csv.Reader may read for one record (n is reset
// after each): csv.Reader would otherwise buffer an unterminated quoted
// field up to the end of the input. The count includes csv.Reader's
// read-ahead, hence the slack; the exact bound is checked per record.
type source struct {
	r      io.Reader
	err    error
	n, max int64 // max 0: no bound
}

func (s *source) Read(p []byte) (int, error) {
	const slack = 64 << 10
	if s.max > 0 {
		if s.n >= s.max+slack {
			return 0, errRecordTooLong
		}
		if rest := s.max + slack - s.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}
