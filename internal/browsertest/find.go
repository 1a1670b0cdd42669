package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// pollInterval is how often a wait looks at the page again.
const pollInterval = 100 * time.Millisecond

// objectGroup holds the page objects a helper looks at; it releases them
// when it is done.
const objectGroup = "browsertest"

// finalError stops a poll: waiting longer cannot help.
type finalError struct{ error }

func (e finalError) Unwrap() error { return e.error }

// poll calls try every pollInterval until it reports done, returns a
// finalError, or Timeout (or the deadline of ctx, if sooner) passes. A page that navigates in between is
// looked at again, so a wait survives a form submission or a redirect.
func poll(ctx context.Context, try func(ctx context.Context) (done bool, err error)) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var last error
	for {
		done, err := try(ctx)
		if err == nil && done {
			return nil
		}
		var final finalError
		if errors.As(err, &final) {
			return final.error
		}
		if err != nil && ctx.Err() == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			waited := time.Since(start).Round(100 * time.Millisecond)
			if last != nil {
				return fmt.Errorf("gave up after %s: %w", waited, last)
			}
			return fmt.Errorf("gave up after %s", waited)
		case <-time.After(pollInterval):
		}
	}
}

// release frees the page objects the helpers held in the tab of ctx.
func release(ctx context.Context) {
	_, _ = chromedp.Call(ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: objectGroup})
}

// Roles Chromium gives elements a person operates; a name that matches one
// of them wins over a heading or a paragraph with the same text.
var controlRoles = map[string]bool{
	"button": true, "link": true, "checkbox": true, "radio": true, "switch": true,
	"menuitem": true, "menuitemcheckbox": true, "menuitemradio": true, "tab": true,
	"option": true, "treeitem": true, "combobox": true, "listbox": true, "textbox": true,
	"searchbox": true, "spinbutton": true, "slider": true, "DisclosureTriangle": true,
}

// Roles of fields a person types into.
var fieldRoles = map[string]bool{"textbox": true, "searchbox": true, "combobox": true, "spinbutton": true}

// Roles of bare text in the accessibility tree.
var textRoles = map[string]bool{"StaticText": true, "InlineTextBox": true}

// axNode is a node of Chromium's accessibility tree that has a DOM node.
type axNode struct {
	role     string
	disabled bool
	editable bool
	backend  cdp.BackendNodeID
}

// queryName returns the nodes of the accessibility tree of the page
// whose accessible name is name, without those hidden from it.
func queryName(ctx context.Context, name string) ([]axNode, error) {
	doc, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject]("document", chromedp.EvalObjectGroup(objectGroup)))
	if err != nil {
		return nil, fmt.Errorf("read the document: %w", err)
	}
	res, err := chromedp.Call(ctx, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{
		ObjectID:       doc.ObjectID,
		AccessibleName: name,
	})
	if err != nil {
		return nil, fmt.Errorf("query the accessibility tree: %w", err)
	}
	var nodes []axNode
	for _, n := range res.Nodes {
		if n.Ignored || n.BackendDOMNodeID == 0 {
			continue
		}
		a := axNode{role: axString(n.Role), backend: n.BackendDOMNodeID}
		if a.role == "RootWebArea" { // the page itself, named by its title
			continue
		}
		for _, p := range n.Properties {
			switch p.Name {
			case accessibility.PropertyNameDisabled:
				a.disabled = axString(p.Value) == "true"
			case accessibility.PropertyNameEditable:
				a.editable = true
			}
		}
		nodes = append(nodes, a)
	}
	return nodes, nil
}

func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.Value, &s) == nil {
		return s
	}
	return string(v.Value)
}

// pick chooses among nodes: the nodes of the first tier (a filter) that
// has any must be exactly one. It returns nil when no tier matches.
func pick(name string, nodes []axNode, tiers ...func(axNode) bool) (*axNode, error) {
	for _, tier := range tiers {
		var found []axNode
		for _, n := range nodes {
			if tier(n) {
				found = append(found, n)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return &found[0], nil
		}
		roles := make([]string, len(found))
		for i, n := range found {
			roles[i] = n.role
		}
		return nil, finalError{fmt.Errorf("%d elements are named %q (%s): give them distinct labels or use a CSS selector",
			len(found), name, strings.Join(roles, ", "))}
	}
	return nil, nil
}

// findByName waits until the page has one element named name that tiers
// accept (see pick) and that is enabled, and returns its object.
func findByName(ctx context.Context, what, name string, tiers ...func(axNode) bool) (runtime.RemoteObjectID, error) {
	var id runtime.RemoteObjectID
	err := poll(ctx, func(ctx context.Context) (bool, error) {
		nodes, err := queryName(ctx, name)
		if err != nil {
			return false, err
		}
		n, err := pick(name, nodes, tiers...)
		if err != nil {
			return false, err
		}
		if n == nil {
			return false, fmt.Errorf("no %s named %q on %s", what, name, location(ctx))
		}
		if n.disabled {
			return false, fmt.Errorf("the %s %q is disabled", n.role, name)
		}
		res, err := chromedp.Call(ctx, dom.ResolveNode, dom.ResolveNodeParams{
			BackendNodeID: n.backend,
			ObjectGroup:   objectGroup,
		})
		if err != nil {
			return false, fmt.Errorf("resolve the %s %q: %w", n.role, name, err)
		}
		id = res.Object.ObjectID
		return true, nil
	})
	return id, err
}

// findCSS waits until an element matching the CSS selector is visible and
// returns its object.
func findCSS(ctx context.Context, selector string) (runtime.RemoteObjectID, error) {
	expr := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el && el.checkVisibility() ? el : null })()`, jsString(selector))
	var id runtime.RemoteObjectID
	err := poll(ctx, func(ctx context.Context) (bool, error) {
		obj, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](expr, chromedp.EvalObjectGroup(objectGroup)))
		if err != nil {
			var exc *chromedp.ExceptionError
			if errors.As(err, &exc) && strings.Contains(exc.Error(), "SyntaxError") {
				return false, finalError{fmt.Errorf("CSS selector %q: %w", selector, err)}
			}
			return false, err
		}
		if obj.ObjectID == "" {
			return false, fmt.Errorf("nothing visible matches %q on %s", selector, location(ctx))
		}
		id = obj.ObjectID
		return true, nil
	})
	return id, err
}

// callOn runs the JavaScript function declaration with this bound to the
// object.
func callOn(ctx context.Context, id runtime.RemoteObjectID, fn string) error {
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fn,
		ObjectID:            id,
		AwaitPromise:        new(true),
	})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return &chromedp.ExceptionError{ExceptionDetails: res.ExceptionDetails}
	}
	return nil
}

// location names the page of ctx in an error message.
func location(ctx context.Context) string {
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "the page"
	}
	return url
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
