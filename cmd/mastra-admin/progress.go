package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progressBar draws "[#####.....] 45% 450000/1000000 events, 23000/s" on a
// terminal, redrawing at most ten times a second; elsewhere it is silent
// and the command prints a summary instead.
type progressBar struct {
	out   io.Writer
	label string
	start time.Time
	last  time.Time
	tty   bool
}

func newProgressBar(out io.Writer, label string) *progressBar {
	f, ok := out.(*os.File)
	return &progressBar{out: out, label: label, start: time.Now(), tty: ok && term.IsTerminal(int(f.Fd()))}
}

// update is a projections.Progress.
func (p *progressBar) update(done, total int64) {
	if !p.tty || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	filled := int(frac * width)
	rate := float64(done) / max(time.Since(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.out, "\r%s [%s%s] %3.0f%% %d/%d events, %.0f/s ", p.label,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, done, total, rate)
}

// finish ends the bar's line.
func (p *progressBar) finish() {
	if p.tty {
		fmt.Fprintln(p.out)
	}
}
