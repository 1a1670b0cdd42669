package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Click clicks, with the mouse, the element whose accessible name is
// exactly name (as Chromium computes it for screen readers, whitespace
// collapsed): a button's or a link's text, a field's label, an aria-label. Controls
// (buttons, links, fields, tabs, menu items…) win over other elements, and
// those over bare text. It waits until there is exactly one such element
// and it is enabled; two with the same name fail the test at once.
func Click(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	defer release(ctx)
	notText := func(n axNode) bool { return !textRoles[n.role] }
	id, err := findByName(ctx, "element", name,
		func(n axNode) bool { return controlRoles[n.role] },
		notText,
		func(n axNode) bool { return textRoles[n.role] })
	if err == nil {
		err = clickObject(ctx, id)
	}
	if err != nil {
		t.Fatalf("browsertest: click %q: %v", name, err)
	}
}

// ClickSelector clicks, with the mouse, the first visible element that
// matches the CSS selector, waiting for it to appear.
func ClickSelector(t testing.TB, ctx context.Context, selector string) {
	t.Helper()
	defer release(ctx)
	id, err := findCSS(ctx, selector)
	if err == nil {
		err = clickObject(ctx, id)
	}
	if err != nil {
		t.Fatalf("browsertest: click %s: %v", selector, err)
	}
}

// Type types text, key by key, at the end of the field whose label
// (accessible name: <label>, aria-label, aria-labelledby) is exactly label. "\n" presses Enter, which submits most forms.
func Type(t testing.TB, ctx context.Context, label, text string) {
	t.Helper()
	typeInto(t, ctx, label, text,
		`function() {
			this.focus();
			try { this.setSelectionRange(this.value.length, this.value.length); } catch (e) {}
		}`)
}

// Fill replaces the content of the field whose label is label with text,
// typed key by key as Type does; "" empties the field.
func Fill(t testing.TB, ctx context.Context, label, text string) {
	t.Helper()
	if text == "" {
		text = kb.Backspace
	}
	typeInto(t, ctx, label, text,
		`function() {
			this.focus();
			if (typeof this.select === "function") this.select();
			else document.execCommand("selectAll");
		}`)
}

func typeInto(t testing.TB, ctx context.Context, label, text, focus string) {
	t.Helper()
	defer release(ctx)
	id, err := findByName(ctx, "field", label,
		func(n axNode) bool { return fieldRoles[n.role] || n.editable })
	if err == nil {
		err = callOn(ctx, id, focus)
	}
	if err == nil {
		err = withTimeout(ctx, func(ctx context.Context) error { return chromedp.Do(ctx, chromedp.KeyEvent(text)) })
	}
	if err != nil {
		t.Fatalf("browsertest: type into %q: %v", label, err)
	}
}

// clickObject scrolls the element into view and clicks the middle of its
// first box, as a person would: the page gets the mouse move, press and
// release, and whatever is on top at that point gets the click.
func clickObject(ctx context.Context, id runtime.RemoteObjectID) error {
	return withTimeout(ctx, func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, dom.ScrollIntoViewIfNeeded, dom.ScrollIntoViewIfNeededParams{ObjectID: id}); err != nil {
			return fmt.Errorf("scroll into view: %w", err)
		}
		res, err := chromedp.Call(ctx, dom.GetContentQuads, dom.GetContentQuadsParams{ObjectID: id})
		if err != nil {
			return fmt.Errorf("find where it is: %w", err)
		}
		for _, q := range res.Quads {
			if len(q) != 8 {
				continue
			}
			if quadArea(q) < 1 {
				continue
			}
			x := (q[0] + q[2] + q[4] + q[6]) / 4
			y := (q[1] + q[3] + q[5] + q[7]) / 4
			return chromedp.Do(ctx,
				chromedp.MouseEvent(chromedp.MouseMoved, x, y),
				chromedp.MouseClickXY(x, y))
		}
		return fmt.Errorf("it has no box on the page")
	})
}

// withTimeout runs f with a context that ends after Timeout.
func withTimeout(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	return f(ctx)
}

// quadArea is the area of the quadrilateral of four x, y points.
func quadArea(q dom.Quad) float64 {
	var a float64
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		a += q[2*i]*q[2*j+1] - q[2*j]*q[2*i+1]
	}
	if a < 0 {
		a = -a
	}
	return a / 2
}
