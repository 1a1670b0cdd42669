package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// LongestTask returns the longest task (a stretch of main-thread work of
// 50 ms or more, during which the page does not answer input) that the
// page in the tab has run since it started loading, or 0. NewTab installs
// a buffered PerformanceObserver for "longtask" entries in every document
// of the tab before the page's own scripts run.
//
// Use it for what a person does on a loaded page (click, type, then ask):
// Chromium 156 reliably reports those tasks, but in our runs it did not
// report a task in the first moments of a page's life (a script run while
// the page is parsed) in about a third of loads, in "longtask" and
// "long-animation-frame" entries alike, so a 0 there proves nothing.
func LongestTask(t testing.TB, ctx context.Context) time.Duration {
	t.Helper()
	var ms float64
	err := withTimeout(ctx, func(ctx context.Context) (err error) {
		ms, err = chromedp.Run(ctx, chromedp.Evaluate[float64](longestTask, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: long tasks of %s: %v", location(ctx), err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// observeLongTasks makes every new document of the tab keep its longest
// "longtask" duration.
func observeLongTasks(ctx context.Context) error {
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: installLongTaskObserver + ";",
	})
	return err
}

// installLongTaskObserver keeps the longest "longtask" duration in a page
// global (buffered, so tasks from before it count too) and returns its
// state; it installs the observer once per document.
const installLongTaskObserver = `(() => {
	const key = "__browsertestLongTasks";
	if (window[key]) return window[key];
	if (!PerformanceObserver.supportedEntryTypes.includes("longtask")) {
		throw new Error("this browser does not report long tasks");
	}
	const s = {max: 0};
	s.keep = list => { for (const e of list) s.max = Math.max(s.max, e.duration); };
	s.observer = new PerformanceObserver(l => s.keep(l.getEntries()));
	s.observer.observe({type: "longtask", buffered: true});
	Object.defineProperty(window, key, {value: s});
	return s;
})()`

// longestTask reads the longest task. A task that just ended is reported
// asynchronously, so it lets a task turn pass and then takes the records
// still queued.
const longestTask = `(async () => {
	const s = ` + installLongTaskObserver + `;
	await new Promise(r => setTimeout(r, 0));
	s.keep(s.observer.takeRecords());
	return s.max;
})()`
