package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// WideElements lays the page out on a phone-sized viewport of width CSS
// pixels and returns the elements that stick out past its right edge
// (tag#id.class and how far), outermost first: what makes a page scroll
// sideways on a phone. Content inside a box that scrolls on its own (a
// table in an overflow-x: auto wrapper) does not count.
func WideElements(t testing.TB, ctx context.Context, width int64) []string {
	t.Helper()
	var out []string
	err := withTimeout(ctx, func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
			return err
		}
		defer func() { _, _ = chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, struct{}{}) }()
		var err error
		out, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => {
			const w = document.documentElement.clientWidth, out = [];
			// Clipped by a scrolling or clipping box that contains it: an
			// absolutely positioned element escapes boxes below its
			// containing block (its offsetParent), so only those from the
			// offsetParent up count for it.
			const clipped = el => {
				const abs = ["absolute", "fixed"].includes(getComputedStyle(el).position);
				let p = abs ? el.offsetParent : el.parentElement;
				for (; p && p !== document.body; p = p.parentElement) {
					const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
				}
				return false;
			};
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (r.width === 0 || r.right <= w + 1 || clipped(el)) continue;
				if (out.some(o => o.el.contains(el))) continue;
				const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + [...el.classList].join(".") : "");
				out.push({el, text: name + " +" + Math.round(r.right - w) + "px"});
			}
			r(out.map(o => o.text));
		})))`, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: measure the page at %d px: %v", width, err)
	}
	return out
}
