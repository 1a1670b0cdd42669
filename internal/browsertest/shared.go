package browsertest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
)

// shared is the package's browser, started by the first NewTab and closed
// by Main after the last test.
var shared struct {
	mu      sync.Mutex
	inMain  bool
	browser *Browser
	dir     string
	err     error
}

// Main runs the tests of the package (call it from TestMain) and then
// closes the browser that NewTab shares between them and removes its
// profile directory. It exits the process with the tests' status, failing
// it when the browser did not close cleanly.
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()
	code := m.Run()
	if err := closeShared(); err != nil {
		fmt.Fprintf(os.Stderr, "browsertest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// NewTab opens a tab in the package's shared browser (started on first use,
// with a fresh profile) and returns its context for the other helpers. The
// tab closes when t ends, after the check that its page logged no console
// error. The package's TestMain must call Main.
func NewTab(t testing.TB) context.Context {
	t.Helper()
	return sharedBrowser(t).NewTab(t)
}

func sharedBrowser(t testing.TB) *Browser {
	t.Helper()
	path := chromiumPath(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		t.Fatalf("browsertest: NewTab shares one browser between the package's tests, and Main closes it: " +
			"add `func TestMain(m *testing.M) { browsertest.Main(m) }` to the package, " +
			"or use browsertest.Start(t).NewTab(t) for a browser of this test's own")
	}
	if shared.browser == nil && shared.err == nil {
		// A profile directory that outlives any one test, so not t.TempDir();
		// Main removes it.
		dir, err := os.MkdirTemp("", "browsertest-profile-")
		if err != nil {
			shared.err = fmt.Errorf("profile directory: %w", err)
		} else {
			shared.dir = dir
			shared.browser, shared.err = launch(path, dir)
		}
	}
	if shared.err != nil {
		t.Fatalf("browsertest: %v", shared.err)
	}
	return shared.browser
}

func closeShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	var err error
	if shared.browser != nil {
		err = shared.browser.close()
	}
	if shared.dir != "" {
		if rmErr := os.RemoveAll(shared.dir); rmErr != nil && err == nil {
			err = fmt.Errorf("remove the profile directory: %w", rmErr)
		}
	}
	return err
}
