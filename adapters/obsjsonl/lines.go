package obsjsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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
// error is one of reading r.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	l.buf = l.buf[:0]
	total := 0
	keep := l.max + 2 // room for the line end
	for {
		chunk, err := l.r.ReadSlice('\n')
		total += len(chunk)
		if room := keep - len(l.buf); room > 0 {
			l.buf = append(l.buf, chunk[:min(room, len(chunk))]...)
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
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
		line = bytes.TrimSuffix(bytes.TrimSuffix(l.buf, []byte("\n")), []byte("\r"))
		if len(line) > l.max {
			return line[:l.max], true, nil
		}
		return line, false, nil
	}
}
