package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// EnvAxe names axe.min.js of the pinned axe-core (see AXE_CORE_VERSION in
// scripts/lib.sh), which ensure_axe installs from the npm registry.
const EnvAxe = "MASTRA_ADMIN_AXE_JS"

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string          `json:"id"`     // the rule, e.g. "image-alt"
	Impact  string          `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []ViolationNode `json:"nodes"`
}

// ViolationNode is an element that breaks the rule.
type ViolationNode struct {
	Target string `json:"target"` // CSS selector of the element
	HTML   string `json:"html"`
}

// String renders the violation for a failure message.
func (v Violation) String() string {
	targets := make([]string, len(v.Nodes))
	for i, n := range v.Nodes {
		targets[i] = n.Target
	}
	return fmt.Sprintf("%s (%s): %s [%s] %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "), v.HelpURL)
}

// Serious reports whether the violation's impact is serious or critical,
// the ones CheckAccessibility fails on.
func (v Violation) Serious() bool { return v.Impact == "serious" || v.Impact == "critical" }

// CheckAccessibility runs axe-core on the page in the tab, in the light and
// then the dark color scheme, and fails the test (without stopping it) for
// each serious or critical violation, listing its rule, help and elements.
// pageName says which page in the message.
func CheckAccessibility(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	var found []string
	for _, scheme := range []string{"light", "dark"} {
		if err := colorScheme(ctx, scheme); err != nil {
			t.Fatalf("browsertest: accessibility of %s: %v", pageName, err)
		}
		for _, v := range AccessibilityViolations(t, ctx) {
			if v.Serious() {
				found = append(found, scheme+": "+v.String())
			}
		}
	}
	if err := colorScheme(ctx, ""); err != nil {
		t.Fatalf("browsertest: accessibility of %s: %v", pageName, err)
	}
	if len(found) > 0 {
		t.Errorf("browsertest: %s has %d serious or critical accessibility violation(s) (axe-core):\n  %s",
			pageName, len(found), strings.Join(found, "\n  "))
	}
}

// AccessibilityViolations runs axe-core on the page in the tab, in the
// color scheme it has now, and returns every violation, whatever its
// impact.
func AccessibilityViolations(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	var violations []Violation
	err = withTimeout(ctx, func(ctx context.Context) error {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
		if err != nil {
			return err
		}
		if !loaded {
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
				return fmt.Errorf("inject axe-core: %w", err)
			}
		}
		violations, err = chromedp.Run(ctx, chromedp.Evaluate[[]Violation](runAxe, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		t.Fatalf("browsertest: run axe-core on %s: %v", location(ctx), err)
	}
	return violations
}

// runAxe runs every axe-core rule on the document and keeps what
// Violation needs. A target is a list of selectors, one a frame (or an
// array of them through shadow roots).
const runAxe = `(async () => {
	const r = await axe.run(document, {resultTypes: ["violations"]});
	const sel = s => Array.isArray(s) ? s.join(" >>> ") : String(s);
	return r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.map(sel).join(" | "), html: n.html})),
	}));
})()`

// colorScheme emulates prefers-color-scheme (light or dark) in the tab;
// "" goes back to the browser's own.
func colorScheme(ctx context.Context, scheme string) error {
	params := emulation.SetEmulatedMediaParams{}
	if scheme != "" {
		params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	return withTimeout(ctx, func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, params); err != nil {
			return fmt.Errorf("emulate the %q color scheme: %w", scheme, err)
		}
		return nil
	})
}

var axeCache struct {
	mu   sync.Mutex
	path string
	src  string
}

// axeSource returns the content of the axe.min.js EnvAxe names, read once.
func axeSource() (string, error) {
	path := os.Getenv(EnvAxe)
	if path == "" {
		return "", fmt.Errorf("%s is not set: it names axe.min.js of the pinned axe-core, which scripts/test.sh installs "+
			"(ensure_axe in scripts/lib.sh); by hand: eval \"$(bash -c '. scripts/lib.sh && ensure_axe && echo export %s=$%s')\"",
			EnvAxe, EnvAxe, EnvAxe)
	}
	axeCache.mu.Lock()
	defer axeCache.mu.Unlock()
	if axeCache.path == path {
		return axeCache.src, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read axe-core (%s): %w; run ensure_axe in scripts/lib.sh", EnvAxe, err)
	}
	axeCache.path, axeCache.src = path, string(b)
	return axeCache.src, nil
}
