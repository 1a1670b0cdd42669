// Package browsertest lets tests use the dashboard as a person would, in a
// real headless Chromium driven over the Chrome DevTools protocol
// (github.com/chromedp/chromedp), with no Node test runner.
//
// A test package shares one browser; each test gets a tab of its own and
// may run in parallel:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
//	func TestCreateProject(t *testing.T) {
//		t.Parallel()
//		ctx := browsertest.NewTab(t)
//		browsertest.Navigate(t, ctx, srv.URL+"/projects")
//		browsertest.Type(t, ctx, "Project name", "shop")
//		browsertest.Click(t, ctx, "Create project")
//		browsertest.WaitText(t, ctx, "Project shop created")
//		browsertest.CheckAccessibility(t, ctx, "projects")
//		browsertest.Screenshots(t, ctx, "projects")
//	}
//
// Elements are found the way a person (or a screen reader) finds them: by
// the accessible name Chromium computes (a button's text, a field's label,
// aria-label), with CSS selectors as the fallback (ClickSelector,
// WaitSelector, Text). Every wait gives up after Timeout. A helper that
// cannot do what it was asked stops the test with t.Fatalf, so call the
// helpers from the test's own goroutine.
//
// Console errors (console.error, console.assert), uncaught exceptions,
// unhandled promise rejections and the browser's own error log (a script
// or stylesheet that fails to load) are collected per tab and fail the
// test when it ends; TakeConsoleErrors takes the expected ones.
//
// CheckAccessibility runs axe-core (MASTRA_ADMIN_AXE_JS, set by
// ensure_axe in scripts/lib.sh) in the light and the dark color scheme and
// fails on serious and critical violations. Screenshots writes full-page
// PNGs at 390 and 1440 px wide in both schemes to MASTRA_ADMIN_SCREENSHOTS
// (default <repo>/.screenshots/). LongestTask reports the longest main
// thread task the page has had, for "no long task over 100 ms" checks.
//
// Chromium is /usr/bin/chromium (Debian's package, installed by
// ensure_chromium in scripts/lib.sh) or MASTRA_ADMIN_CHROMIUM. A missing
// browser fails the test with the command that installs it; only
// MASTRA_ADMIN_SKIP_BROWSER=1 skips browser tests.
package browsertest
