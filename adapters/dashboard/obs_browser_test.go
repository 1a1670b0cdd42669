package dashboard_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inZone makes the tab's browser think it is in zone (Intl, Date).
func inZone(zone string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
}

func TestFiltersReadTimesInTheViewersZone(t *testing.T) {
	e := startObs(t, true)
	e.seed(t)
	ctx := newChrome(t)
	run(t, ctx, inZone("Asia/Tokyo"))
	signInAs(t, ctx, e.srv.URL, e.owner)
	path := e.srv.URL + "/projects/" + e.project.String() + "/traces"

	// The first page is drawn in UTC, then once more in the browser's zone.
	run(t, ctx, chromedp.Navigate(path), chromedp.WaitVisible(`//span[@data-zone][text()="Asia/Tokyo"]`))
	assert.Equal(t, "Asia/Tokyo", jsString(t, ctx, `document.querySelector('input[data-tz]').value`))

	// From, typed as Tokyo's wall time of 90 s after the first trace,
	// leaves only the staging trace (two minutes after it).
	from := e.t0.Add(90 * time.Second).In(mustZone(t, "Asia/Tokyo")).Format("2006-01-02T15:04:05")
	run(t, ctx, chromedp.SetValue(chromedp.ID("f-from"), from), chromedp.Click(`//button[text()="Apply filters"]`))
	// The old page's table is visible until the filtered page replaces it.
	require.Eventually(t, func() bool { return strings.Contains(jsString(t, ctx, `location.search`), "from=") }, 15*time.Second, 50*time.Millisecond)
	run(t, ctx, chromedp.WaitVisible(`//table[contains(@class,"traces")]`))
	names := jsString(t, ctx, `[...document.querySelectorAll('table.traces tbody tr td:first-child a')].map(a => a.textContent).join('|')`)
	assert.Equal(t, "agent helper", names)
	assert.Equal(t, from, jsString(t, ctx, `document.getElementById('f-from').value`), "the form keeps the time as typed")
	assert.Contains(t, jsString(t, ctx, `location.search`), "tz=Asia%2FTokyo")
}

func TestWaterfallWithoutClickHouseSaysSo(t *testing.T) {
	e := startObs(t, false)
	ctx := newChrome(t)
	signInAs(t, ctx, e.srv.URL, e.owner)
	run(t, ctx, chromedp.Navigate(e.srv.URL+"/traces/trace-ok"), chromedp.WaitVisible(chromedp.CSS(`#waterfall [role=alert]`)))
	assert.Contains(t, jsString(t, ctx, `document.getElementById('waterfall').textContent`), "ClickHouse) is not configured")
	assert.Contains(t, jsString(t, ctx, `document.getElementById('span-detail').textContent`), "Select a span",
		"the rest of the page is there")
}
