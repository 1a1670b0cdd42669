package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// tabKey keys a tab's state in the context NewTab returns.
type tabKey struct{}

// tab is what the package keeps about one tab.
type tab struct {
	console *consoleLog
}

// NewTab opens a new tab in b and returns its context for the other
// helpers. The tab closes when t ends, after the check that its page
// logged no console error (see TakeConsoleErrors).
func (b *Browser) NewTab(t testing.TB) context.Context {
	t.Helper()
	console := &consoleLog{}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(console.listen))
	err := chromedp.Do(ctx)
	if err == nil {
		err = observeLongTasks(ctx)
	}
	if err != nil {
		cancel()
		t.Fatalf("browsertest: open a tab: %v%s", err, b.output.tail())
	}
	ctx = context.WithValue(ctx, tabKey{}, &tab{console: console})
	// Cleanups run last-registered first: the check, then the close.
	t.Cleanup(cancel)
	t.Cleanup(func() { checkConsole(t, ctx) })
	return ctx
}

// tabOf returns the state of the tab of ctx, failing t when ctx does not
// come from NewTab.
func tabOf(t testing.TB, ctx context.Context) *tab {
	t.Helper()
	tb, ok := ctx.Value(tabKey{}).(*tab)
	if !ok {
		t.Fatalf("browsertest: the context does not come from browsertest.NewTab")
	}
	return tb
}
