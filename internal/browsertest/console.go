package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// consoleLog collects a tab's console errors. Its listen method runs in
// chromedp's read loop, so it only appends under a lock.
type consoleLog struct {
	mu     sync.Mutex
	errors []string
}

func (c *consoleLog) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		msg = "console." + string(ev.Type) + ": " + argsText(ev.Args) + stackPlace(ev.StackTrace)
	case *runtime.EventExceptionThrown:
		msg = exceptionText(ev.ExceptionDetails)
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError || isFavicon(ev.Entry) {
			return
		}
		msg = "browser log (" + string(ev.Entry.Source) + "): " + ev.Entry.Text
		if ev.Entry.URL != "" {
			msg += " (" + ev.Entry.URL + ")"
		}
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors = append(c.errors, msg)
}

// isFavicon reports whether the entry is about /favicon.ico, which the
// browser (not the page) asks for when a page names no icon; a person
// never sees it fail.
func isFavicon(e *log.Entry) bool {
	u, err := url.Parse(e.URL)
	return err == nil && u.Path == "/favicon.ico"
}

func (c *consoleLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := c.errors
	c.errors = nil
	return errs
}

// TakeConsoleErrors returns the console errors, uncaught exceptions and
// browser error log entries of the tab of ctx so far, and forgets them, so
// that a test expecting an error can check it without failing at its end.
func TakeConsoleErrors(t testing.TB, ctx context.Context) []string {
	t.Helper()
	tb := tabOf(t, ctx)
	// An event that arrived before the answer to this round trip has been
	// seen by the listener. A tab that is gone has nothing more to say.
	_ = withTimeout(ctx, func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("0"))
	})
	return tb.console.take()
}

// checkConsole fails t with every console error of the tab not taken by
// TakeConsoleErrors. NewTab runs it when the test ends.
func checkConsole(t testing.TB, ctx context.Context) {
	t.Helper()
	errs := TakeConsoleErrors(t, ctx)
	if len(errs) > 0 {
		t.Errorf("browsertest: the page logged %d console error(s):\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
}

// argsText renders console arguments as the DevTools console does, roughly.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, objectText(a))
	}
	return strings.Join(parts, " ")
}

func objectText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	if o.UnserializableValue != "" {
		return string(o.UnserializableValue)
	}
	if o.Description != "" {
		first, _, _ := strings.Cut(o.Description, "\n    at ")
		return first
	}
	return string(o.Type)
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "uncaught exception"
	}
	text := d.Text // "Uncaught" or "Uncaught (in promise)"
	if d.Exception != nil {
		text += " " + objectText(d.Exception)
	}
	place := stackPlace(d.StackTrace)
	if place == "" && d.URL != "" {
		place = fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	}
	return text + place
}

// stackPlace returns " (url:line)" of the top frame, or "".
func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	if f.URL == "" {
		return ""
	}
	return fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
}
