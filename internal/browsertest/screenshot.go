package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// EnvScreenshots names the directory Screenshots writes to; default
// .screenshots/ at the root of the repository (ignored by git).
const EnvScreenshots = "MASTRA_ADMIN_SCREENSHOTS"

// viewport is a window size Screenshots renders the page at.
type viewport struct {
	width, height int64
	mobile        bool // a phone: the page's meta viewport applies
}

var screenshotViewports = []viewport{{390, 844, true}, {1440, 900, false}}

// Screenshots writes full-page PNGs of the page in the tab at 390 px (a
// phone) and 1440 px (a laptop) wide, each in the light and the dark color
// scheme: <dir>/<name>-<width>-<scheme>.png, dir being
// MASTRA_ADMIN_SCREENSHOTS or <repo>/.screenshots. It returns the four
// paths. The tab's viewport and color scheme are restored afterwards.
func Screenshots(t testing.TB, ctx context.Context, name string) []string {
	t.Helper()
	dir, err := screenshotDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatalf("browsertest: screenshots of %s: %v", name, err)
	}
	base := unsafeName.ReplaceAllString(name, "_")
	// A classic scrollbar would take 15 px of the width of a tall page.
	if err := scrollbarsHidden(ctx, true); err != nil {
		t.Fatalf("browsertest: screenshots of %s: %v", name, err)
	}
	var paths []string
	for _, vp := range screenshotViewports {
		for _, scheme := range []string{"light", "dark"} {
			path := filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", base, vp.width, scheme))
			if err := screenshot(ctx, vp, scheme, path); err != nil {
				t.Fatalf("browsertest: screenshot %s: %v", path, err)
			}
			paths = append(paths, path)
		}
	}
	err = withTimeout(ctx, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, struct{}{})
		return err
	})
	if err == nil {
		err = scrollbarsHidden(ctx, false)
	}
	if err == nil {
		err = colorScheme(ctx, "")
	}
	if err != nil {
		t.Fatalf("browsertest: screenshots of %s: restore the tab: %v", name, err)
	}
	t.Logf("browsertest: screenshots of %s in %s", name, dir)
	return paths
}

func scrollbarsHidden(ctx context.Context, hidden bool) error {
	return withTimeout(ctx, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: hidden})
		if err != nil {
			return fmt.Errorf("hide the scrollbars: %w", err)
		}
		return nil
	})
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func screenshot(ctx context.Context, vp viewport, scheme, path string) error {
	if err := colorScheme(ctx, scheme); err != nil {
		return err
	}
	return withTimeout(ctx, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: vp.width, Height: vp.height, DeviceScaleFactor: 1, Mobile: vp.mobile,
		})
		if err != nil {
			return fmt.Errorf("set the viewport: %w", err)
		}
		// Two animation frames: the page has laid itself out again.
		err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
			`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
		if err != nil {
			return fmt.Errorf("wait for the layout: %w", err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return err
		}
		return os.WriteFile(path, png, 0o644)
	})
}

// screenshotDir is MASTRA_ADMIN_SCREENSHOTS, or .screenshots in the
// repository (the first directory up from the working directory, which go
// test sets to the package's, that holds go.mod).
func screenshotDir() (string, error) {
	if dir := os.Getenv(EnvScreenshots); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".screenshots"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: set " + EnvScreenshots)
		}
		dir = parent
	}
}
