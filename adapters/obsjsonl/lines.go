package obsjsonl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unsafe"

	"github.com/mastra-admin/mastra-admin/commands"
)

// chunkBytes is the size of the chunks a lineReader reads.
const chunkBytes = 256 << 10

// chunks are buffers of chunkBytes for lineReaders to reuse.
var chunks = sync.Pool{New: func() any { return new([chunkBytes]byte) }}

// lineReader yields the lines of r without their line ends ("\n" or
// "\r\n"). It reads r in chunks, each into a buffer of its own, and a
// line is a string over its chunk's memory: no line is copied. So the
// lines, and every string cut from them, are valid only until release,
// which gives the buffers back for other readers to fill: a parser copies
// what it keeps before (compactSpans). A line longer than max bytes is
// read to its end but kept only in part, and reported as too long.
type lineReader struct {
	r     io.Reader
	max   int
	n     uint32 // the number of the last line read (1-based)
	chunk string // chunk[pos:] is read and not yet returned
	pos   int
	eof   bool                // r has nothing more after chunk
	used  []*[chunkBytes]byte // the pooled buffers of the chunks read
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: r, max: max}
}

// release gives back the reader's buffers: no line it returned may be
// used after.
func (l *lineReader) release() {
	for _, b := range l.used {
		chunks.Put(b)
	}
	l.used, l.chunk, l.pos = nil, "", 0
}

// next returns the next line and whether it was too long (then line
// holds its first max bytes), and io.EOF after the last line. Any other
// error is one of reading r.
func (l *lineReader) next() (line string, tooLong bool, err error) {
	for {
		rest := l.chunk[l.pos:]
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			l.pos += i + 1
			l.n++
			return l.trim(rest[:i+1])
		}
		switch {
		case l.eof && rest == "":
			return "", false, io.EOF
		case l.eof: // the last line has no line end
			l.pos = len(l.chunk)
			l.n++
			return l.trim(rest)
		case len(rest) > l.max+2:
			return l.skipLong(rest[:l.max])
		}
		if err := l.fill(rest); err != nil {
			return "", false, err
		}
	}
}

// trim returns the line s (with its line end, if any) without its line
// end, or its first max bytes when it is longer.
func (l *lineReader) trim(s string) (string, bool, error) {
	if len(s) > l.max+2 {
		return s[:l.max], true, nil
	}
	line := strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	if len(line) > l.max {
		return line[:l.max], true, nil
	}
	return line, false, nil
}

// fill reads the next chunk: rest (the start of a line) followed by as
// much of r as fits in a buffer of chunkBytes (from the pool), or of
// twice rest.
func (l *lineReader) fill(rest string) error {
	var buf []byte
	if 2*len(rest) <= chunkBytes {
		b := chunks.Get().(*[chunkBytes]byte)
		l.used = append(l.used, b)
		buf = b[:]
	} else {
		buf = make([]byte, 2*len(rest))
	}
	copy(buf, rest)
	n, err := io.ReadFull(l.r, buf[len(rest):])
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		l.eof = true
	case err != nil:
		return fmt.Errorf("read line %d: %w", l.n+1, err)
	}
	// buf is not written again until release: the string shares its memory.
	l.chunk, l.pos = unsafe.String(unsafe.SliceData(buf), len(rest)+n), 0
	return nil
}

// skipLong returns keep, the first max bytes of a line that is too long,
// after reading the rest of that line.
func (l *lineReader) skipLong(keep string) (string, bool, error) {
	l.n++
	for {
		if l.eof {
			l.pos = len(l.chunk)
			return keep, true, nil
		}
		if err := l.fill(""); err != nil {
			return "", false, err
		}
		if i := strings.IndexByte(l.chunk, '\n'); i >= 0 {
			l.pos = i + 1
			return keep, true, nil
		}
	}
}

// eachLine reads lr line by line and gives each non-blank line, with its
// number, to parse, which reports the line malformed (with why) or not. A
// line longer than MaxLineBytes is malformed without being parsed. It
// returns the malformed lines in file order, or the read error.
func (p *Parser) eachLine(lr *lineReader, parse func(n uint32, line string) (commands.Malformed, bool)) ([]commands.Malformed, error) {
	var bad []commands.Malformed
	for {
		line, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return bad, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case tooLong:
			bad = append(bad, malformed(lr.n, line, "the line is longer than %d bytes", p.cfg.MaxLineBytes))
		case isBlank(line):
		default:
			if m, isBad := parse(lr.n, line); isBad {
				bad = append(bad, m)
			}
		}
	}
}
