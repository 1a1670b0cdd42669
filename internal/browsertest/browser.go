package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables the package reads.
const (
	// EnvChromium names the Chromium binary; DefaultChromium when unset.
	EnvChromium = "MASTRA_ADMIN_CHROMIUM"
	// EnvSkip set to 1 skips every test that asks for a browser.
	EnvSkip = "MASTRA_ADMIN_SKIP_BROWSER"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// Timeout bounds every wait of a helper: an element to appear, a page to
// load, axe-core to finish.
const Timeout = 15 * time.Second

// flags are Chromium's command-line switches. chromedp adds
// --user-data-dir (the profile directory given to launch) and
// --remote-debugging-pipe (the protocol runs over a pipe, no port).
var flags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"no-first-run",
}

// Browser is one headless Chromium process. Its tabs (NewTab) are
// independent, so tests holding different tabs may run in parallel.
type Browser struct {
	ctx           context.Context // the browser's own chromedp context
	cancelBrowser context.CancelFunc
	cancelAlloc   context.CancelFunc
	output        *lockedBuffer // what Chromium printed, for error messages
	closeOnce     sync.Once
	closeErr      error
}

// Start launches a browser owned by t, with a profile in t.TempDir(); it
// is closed when t and its subtests end. Most packages share one browser
// with Main and NewTab instead.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := chromiumPath(t)
	b, err := launch(path, t.TempDir())
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	t.Cleanup(func() {
		if err := b.close(); err != nil {
			t.Errorf("browsertest: %v", err)
		}
	})
	return b
}

// chromiumPath returns the browser to run, skips the test when
// MASTRA_ADMIN_SKIP_BROWSER=1, and fails it when there is no browser.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if os.Getenv(EnvSkip) == "1" {
		t.Skipf("browsertest: %s=1, browser tests skipped", EnvSkip)
	}
	path := os.Getenv(EnvChromium)
	if path == "" {
		path = DefaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("browsertest: no Chromium at %s (%v). Install it with `apt-get install -y chromium` "+
			"(scripts/test.sh does, via ensure_chromium in scripts/lib.sh), set %s to another Chromium, "+
			"or set %s=1 to skip browser tests", path, err, EnvChromium, EnvSkip)
	}
	return path
}

// launch starts Chromium at path with its profile in dir and waits until
// it answers.
func launch(path, dir string) (*Browser, error) {
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.CombinedOutput(out),
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, cancelBrowser: cancelBrowser, cancelAlloc: cancelAlloc, output: out}
	// The first run starts the process; its context must not time out, or
	// the browser would end with it, so the wait is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			cancelBrowser()
			cancelAlloc()
			return nil, fmt.Errorf("start %s: %w%s", path, err, out.tail())
		}
	case <-time.After(Timeout):
		cancelBrowser()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: no answer within %s%s", path, Timeout, out.tail())
	}
	return b, nil
}

// close shuts the browser down: it asks Chromium to quit, waits for the
// process to exit, then releases the allocator. Later calls return the
// first call's result.
func (b *Browser) close() error {
	b.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(b.ctx, Timeout)
		defer cancel()
		err := chromedp.Cancel(ctx)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		b.cancelBrowser()
		b.cancelAlloc()
		if err != nil {
			b.closeErr = fmt.Errorf("close the browser: %w%s", err, b.output.tail())
		}
	})
	return b.closeErr
}

// lockedBuffer keeps what Chromium prints; chromedp writes to it from its
// own goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// tail returns the last lines Chromium printed, as a suffix for an error
// message, or "" when it printed nothing.
func (l *lockedBuffer) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.Bytes()
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	if len(bytes.TrimSpace(s)) == 0 {
		return ""
	}
	return "\nChromium printed:\n" + string(s)
}
