package obsjsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mastra-admin/mastra-admin/commands"
)

// lineReader yields the lines of r without their line ends ("\n" or
// "\r\n"). A line longer than max bytes is read to its end but kept only
// in part, and reported as too long.
type lineReader struct {
	r   *bufio.Reader
	max int
	n   uint32 // the number of the last line read (1-based)
	buf []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line and whether it was too long (then line
// holds its first max bytes), and io.EOF after the last line. Any other
// error is one of reading r. The line is valid until the next call.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	chunk, err := l.r.ReadSlice('\n')
	if err == nil { // the whole line is in the reader's buffer: no copy
		l.n++
		return l.trim(chunk)
	}
	// A line longer than the reader's buffer, or the last line without
	// a line end: gathered in l.buf.
	l.buf = l.buf[:0]
	total := 0
	keep := l.max + 2 // room for the line end
	for {
		total += len(chunk)
		if room := keep - len(l.buf); room > 0 {
			l.buf = append(l.buf, chunk[:min(room, len(chunk))]...)
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			chunk, err = l.r.ReadSlice('\n')
			continue
		case errors.Is(err, io.EOF):
			if total == 0 {
				return nil, false, io.EOF
			}
		default:
			return nil, false, fmt.Errorf("read line %d: %w", l.n+1, err)
		}
		l.n++
		if total > keep {
			return l.buf[:l.max], true, nil
		}
		return l.trim(l.buf)
	}
}

// trim returns the line b (with its line end) without the line end, or
// its first max bytes when it is longer.
func (l *lineReader) trim(b []byte) ([]byte, bool, error) {
	if len(b) > l.max+2 {
		return b[:l.max], true, nil
	}
	line := bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	if len(line) > l.max {
		return line[:l.max], true, nil
	}
	return line, false, nil
}

// eachLine reads r line by line and gives each non-blank line, with its
// number, to parse, which reports the line malformed (with why) or not. A
// line longer than MaxLineBytes is malformed without being parsed. It
// returns the malformed lines in file order, or the read error.
func (p *Parser) eachLine(r io.Reader, parse func(n uint32, line []byte) (commands.Malformed, bool)) ([]commands.Malformed, error) {
	lr := newLineReader(r, p.cfg.MaxLineBytes)
	var bad []commands.Malformed
	for {
		b, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return bad, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case tooLong:
			bad = append(bad, malformed(lr.n, b, "the line is longer than %d bytes", p.cfg.MaxLineBytes))
		case isBlank(b):
		default:
			if m, isBad := parse(lr.n, b); isBad {
				bad = append(bad, m)
			}
		}
	}
}
