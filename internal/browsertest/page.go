package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// Navigate loads url in the tab and waits for its load event. A response
// status of 400 or more fails the test; NavigateStatus does not.
func Navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if status := NavigateStatus(t, ctx, url); status >= 400 {
		t.Fatalf("browsertest: navigate to %s: HTTP status %d", url, status)
	}
}

// NavigateStatus loads url in the tab, waits for its load event and
// returns the HTTP status of the response, for tests of error pages. The
// browser logs an error for a 4xx or 5xx response, which TakeConsoleErrors
// takes.
func NavigateStatus(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	var status int
	err := withTimeout(ctx, func(ctx context.Context) error {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
		if err != nil {
			return err
		}
		if resp == nil {
			return fmt.Errorf("no response")
		}
		status = int(resp.Status)
		return nil
	})
	if err != nil {
		t.Fatalf("browsertest: navigate to %s: %v", url, err)
	}
	return status
}

// URL returns the address of the page in the tab.
func URL(t testing.TB, ctx context.Context) string {
	t.Helper()
	var url string
	err := withTimeout(ctx, func(ctx context.Context) (err error) {
		url, err = chromedp.Run(ctx, chromedp.Location())
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: read the URL: %v", err)
	}
	return url
}

// PageText returns the text of the page as a person sees it (the body's
// innerText: hidden elements left out).
func PageText(t testing.TB, ctx context.Context) string {
	t.Helper()
	text, err := pageText(ctx)
	if err != nil {
		t.Fatalf("browsertest: read the page's text: %v", err)
	}
	return text
}

func pageText(ctx context.Context) (text string, err error) {
	err = withTimeout(ctx, func(ctx context.Context) error {
		text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		return err
	})
	return text, err
}

// Text waits for an element matching the CSS selector and returns its
// text as a person sees it (innerText).
func Text(t testing.TB, ctx context.Context, selector string) string {
	t.Helper()
	expr := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el ? el.innerText : null })()`, jsString(selector))
	var text string
	err := poll(ctx, func(ctx context.Context) (bool, error) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[*string](expr))
		if err != nil {
			return false, err
		}
		if s == nil {
			return false, fmt.Errorf("nothing matches %q on %s", selector, location(ctx))
		}
		text = *s
		return true, nil
	})
	if err != nil {
		t.Fatalf("browsertest: text of %s: %v", selector, err)
	}
	return text
}

// WaitText waits until the page shows text (in the body's innerText).
func WaitText(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	expr := fmt.Sprintf(`document.body ? document.body.innerText.includes(%s) : false`, jsString(text))
	err := poll(ctx, func(ctx context.Context) (bool, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	})
	if err != nil {
		t.Fatalf("browsertest: wait for the text %q on %s: %v\npage text:\n%s", text, location(ctx), err, pageTextOrErr(ctx))
	}
}

// WaitSelector waits until an element matching the CSS selector is
// visible.
func WaitSelector(t testing.TB, ctx context.Context, selector string) {
	t.Helper()
	defer release(ctx)
	if _, err := findCSS(ctx, selector); err != nil {
		t.Fatalf("browsertest: wait for %s: %v", selector, err)
	}
}

// pageTextOrErr returns the page's text (at most 2000 bytes) for a
// failure message.
func pageTextOrErr(ctx context.Context) string {
	text, err := pageText(ctx)
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	if len(text) > 2000 {
		text = text[:2000] + "…"
	}
	return text
}
