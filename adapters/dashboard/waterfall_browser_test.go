package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

// chromium is Debian's chromium package's browser.
const chromium = "/usr/bin/chromium"

// newChrome starts headless Chromium with a fresh profile for tb and
// returns a tab's context; the test is skipped when there is no Chromium.
// (The shared harness internal/browsertest replaces this once it lands.)
func newChrome(tb testing.TB) context.Context {
	tb.Helper()
	if _, err := os.Stat(chromium); err != nil {
		tb.Skipf("no Chromium at %s: install Debian's chromium package", chromium)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.UserDataDir(tb.TempDir()), chromedp.WindowSize(1440, 900),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	require.NoError(tb, chromedp.Do(ctx), "start Chromium")
	return ctx
}

// run runs actions with a deadline.
func run(tb testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(tb, chromedp.Do(ctx, actions...))
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(tb, err, expr)
	return v
}

// signInAs signs in through the sign-in page, typing the token.
func signInAs(tb testing.TB, ctx context.Context, base, token string) {
	tb.Helper()
	run(tb, ctx, chromedp.Navigate(base+"/sign-in"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.CSS(`form[action="/sign-in"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)))
}

// bigTrace stores a trace of n spans (a root, 99 children, the rest their
// children), one in 500 failed.
func (e *obsEnv) bigTrace(tb testing.TB, id string, n int) {
	tb.Helper()
	t0 := e.t0
	rows := []commands.SpanRow{e.span(e.prod, e.build, id, "root", "", "workflow big", commands.SpanOK, t0, 2*time.Second)}
	for i := 1; len(rows) < n; i++ {
		mid := fmt.Sprintf("s%d", i)
		rows = append(rows, e.span(e.prod, e.build, id, mid, "root", fmt.Sprintf("step %d", i), commands.SpanOK,
			t0.Add(time.Duration(i)*15*time.Millisecond), 15*time.Millisecond))
		for j := 0; j < 100 && len(rows) < n; j++ {
			status := commands.SpanOK
			if len(rows)%500 == 0 {
				status = commands.SpanError
			}
			r := e.span(e.prod, e.build, id, fmt.Sprintf("s%d-%d", i, j), mid, fmt.Sprintf("tool %d.%d", i, j), status,
				t0.Add(time.Duration(i)*15*time.Millisecond+time.Duration(j)*100*time.Microsecond), 100*time.Microsecond)
			if status == commands.SpanError {
				r.Error = "tool failed: " + r.SpanID
			}
			rows = append(rows, r)
		}
	}
	e.insertSpans(tb, rows)
}

// jsInt evaluates expr to a number.
func jsInt(tb testing.TB, ctx context.Context, expr string) int {
	tb.Helper()
	return int(eval[float64](tb, ctx, expr))
}

func jsString(tb testing.TB, ctx context.Context, expr string) string {
	tb.Helper()
	return eval[string](tb, ctx, expr)
}

// openWaterfall opens a trace's page and waits for its first rows; it
// returns the milliseconds from navigation start to rows on screen.
func openWaterfall(tb testing.TB, ctx context.Context, url string) float64 {
	tb.Helper()
	run(tb, ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#waterfall[data-rendered-ms] .wf-body .wf-row`)))
	v, err := strconv.ParseFloat(jsString(tb, ctx, `document.getElementById('waterfall').dataset.renderedMs`), 64)
	require.NoError(tb, err)
	return v
}

func TestWaterfallInChromium(t *testing.T) {
	e := startObs(t, true)
	e.bigTrace(t, "trace-big", 10000)
	long := strings.Repeat("x", 40)
	io := []commands.SpanRow{
		e.span(e.prod, e.build, "trace-io", "io1", "", "workflow io", commands.SpanOK, e.t0, 5*time.Millisecond),
		e.span(e.prod, e.build, "trace-io", "io2", "io1", "llm cut", commands.SpanOK, e.t0.Add(time.Millisecond), time.Millisecond),
	}
	io[1].Input = `"` + long + `…[truncated 12345 bytes]`
	io[1].Output = `{"answer":"forty-two"}`
	e.insertSpans(t, io)
	ctx := newChrome(t)
	signInAs(t, ctx, e.srv.URL, e.owner)

	ms := openWaterfall(t, ctx, e.srv.URL+"/traces/trace-big?project="+e.project.String())
	t.Logf("a 10,000-span trace shows its first rows %.0f ms after navigation start", ms)
	assert.Equal(t, 10001, jsInt(t, ctx, `+document.querySelector('[role=treegrid]').getAttribute('aria-rowcount')`), "every span is a row, with the header")
	drawn := jsInt(t, ctx, `document.querySelectorAll('.wf-body .wf-row').length`)
	assert.Less(t, drawn, 200, "only the rows in view are in the page")
	assert.Greater(t, drawn, 10)
	assert.Contains(t, jsString(t, ctx, `document.querySelector('.wf-summary').textContent`), "10000 spans")

	// Collapse and expand by clicking the root's toggle.
	run(t, ctx, chromedp.Click(chromedp.CSS(`#wf-row-0 .wf-toggle`)))
	assert.Equal(t, 2, jsInt(t, ctx, `+document.querySelector('[role=treegrid]').getAttribute('aria-rowcount')`))
	assert.Equal(t, "false", jsString(t, ctx, `document.getElementById('wf-row-0').getAttribute('aria-expanded')`))
	run(t, ctx, chromedp.Click(chromedp.CSS(`#wf-row-0 .wf-toggle`)))
	assert.Equal(t, 10001, jsInt(t, ctx, `+document.querySelector('[role=treegrid]').getAttribute('aria-rowcount')`))

	// The keyboard: Down moves, Left collapses a subtree, Right expands it.
	run(t, ctx, chromedp.Focus(chromedp.ID("wf-row-0")), chromedp.KeyEvent(kb.ArrowDown))
	assert.Equal(t, "wf-row-1", jsString(t, ctx, `document.activeElement.id`))
	run(t, ctx, chromedp.KeyEvent(kb.ArrowLeft))
	assert.Equal(t, "false", jsString(t, ctx, `document.getElementById('wf-row-1').getAttribute('aria-expanded')`))
	assert.Equal(t, 10001-100, jsInt(t, ctx, `+document.querySelector('[role=treegrid]').getAttribute('aria-rowcount')`))
	run(t, ctx, chromedp.KeyEvent(kb.ArrowRight))
	assert.Equal(t, "true", jsString(t, ctx, `document.getElementById('wf-row-1').getAttribute('aria-expanded')`))

	// Scrolling to the end draws the last spans.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('.wf-scroll').scrollTop = 1e9`),
		chromedp.WaitVisible(chromedp.ID("wf-row-9999")))

	// Failed spans: marked in words, and the button finds them.
	run(t, ctx, chromedp.Click(`//button[text()="Next failed span"]`),
		chromedp.WaitVisible(chromedp.CSS(`.wf-row.wf-error.wf-selected`)))
	assert.Contains(t, jsString(t, ctx, `document.querySelector('.wf-row.wf-selected').textContent`), "error")
	run(t, ctx, chromedp.WaitVisible(`//*[@id="span-detail"]//dd[contains(., "tool failed")]`))

	// Input and output on demand, with the truncation said.
	openWaterfall(t, ctx, e.srv.URL+"/traces/trace-io")
	assert.Contains(t, jsString(t, ctx, `document.getElementById('span-detail').textContent`), "Select a span",
		"nothing is loaded before a span is chosen")
	run(t, ctx, chromedp.Click(`//div[@role="row"]//span[@class="wf-label"][text()="llm cut"]`),
		chromedp.WaitVisible(chromedp.CSS(`.wf-payload pre`)))
	detail := jsString(t, ctx, `document.getElementById('span-detail').textContent`)
	assert.Contains(t, detail, long, "the input")
	assert.Contains(t, detail, "Truncated: 12345 more bytes were cut when it was stored")
	assert.Contains(t, detail, `"answer": "forty-two"`, "the output, pretty-printed")

	// Another team's member sees only that the trace is not theirs.
	other := newChrome(t)
	signInAs(t, other, e.srv.URL, e.tokenTB(t, "mallory@example.com"))
	run(t, other, chromedp.Navigate(e.srv.URL+"/traces/trace-big"), chromedp.WaitVisible(chromedp.CSS(`#waterfall [role=alert]`)))
	assert.Contains(t, jsString(t, other, `document.getElementById('waterfall').textContent`), "not found")
}

// BenchmarkTraceWaterfall10k opens a 10,000-span trace in headless
// Chromium and reports the milliseconds from navigation start to its
// first rows on screen (goal: under 1,000), alternating with its
// baseline, a 3-span trace's page in the same run; the time of GET
// /api/traces inside it; and the time to collapse and expand the root (a
// click: every row hidden, then shown again). See docs/BENCHMARKS.md.
func BenchmarkTraceWaterfall10k(b *testing.B) {
	e := startObs(b, true)
	e.bigTrace(b, "trace-big", 10000)
	e.bigTrace(b, "trace-small", 3)
	ctx := newChrome(b)
	signInAs(b, ctx, e.srv.URL, e.owner)
	big := e.srv.URL + "/traces/trace-big?project=" + e.project.String()
	small := e.srv.URL + "/traces/trace-small?project=" + e.project.String()
	openWaterfall(b, ctx, big) // warm: assets cached, ClickHouse's parts loaded
	openWaterfall(b, ctx, small)
	const apiEntry = `performance.getEntriesByType('resource').find(r => r.name.includes('/api/traces/'))`
	const toggle = `(() => { const t = performance.now(); document.querySelector('#wf-row-0 .wf-toggle').click(); ` +
		`document.querySelector('#wf-row-0 .wf-toggle').click(); return performance.now() - t })()`
	var bigMS, smallMS, apiMS, toggleMS []float64
	var size int
	for b.Loop() {
		bigMS = append(bigMS, openWaterfall(b, ctx, big))
		apiMS = append(apiMS, eval[float64](b, ctx, apiEntry+`.duration`))
		size = jsInt(b, ctx, apiEntry+`.decodedBodySize`)
		toggleMS = append(toggleMS, eval[float64](b, ctx, toggle))
		smallMS = append(smallMS, openWaterfall(b, ctx, small))
	}
	b.ReportMetric(median(bigMS), "ms-to-rows")
	b.ReportMetric(slices.Max(bigMS), "ms-worst")
	b.ReportMetric(median(smallMS), "ms-baseline")
	b.ReportMetric(median(apiMS), "ms-api")
	b.ReportMetric(median(toggleMS), "ms-toggle")
	fmt.Printf("10,000-span trace: first rows %.0f ms after navigation start (median of %d, worst %.0f); "+
		"baseline 3-span trace %.0f ms (ratio %.2f); GET /api/traces %.0f ms for %d KiB of JSON; collapse+expand the root %.1f ms\n",
		median(bigMS), len(bigMS), slices.Max(bigMS), median(smallMS), median(bigMS)/median(smallMS), median(apiMS), size/1024, median(toggleMS))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
