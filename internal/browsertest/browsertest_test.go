package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

// pages serves testdata/ on a loopback port for the test.
func pages(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata")))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestFormAsAPerson(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)

	Navigate(t, ctx, base+"/form.html")
	assert.Equal(t, base+"/form.html", URL(t, ctx))
	Type(t, ctx, "Project name", "shop")
	Fill(t, ctx, "Owner email", "ada@example.com")
	Click(t, ctx, "Create project")
	WaitText(t, ctx, "Project shop created for ada@example.com")
	assert.Equal(t, "Project shop created for ada@example.com", Text(t, ctx, "#result"))
	assert.Contains(t, PageText(t, ctx), "New project")

	Type(t, ctx, "Project name", "-2")
	ClickSelector(t, ctx, "button[type=submit]")
	WaitText(t, ctx, "Project shop-2 created")

	Click(t, ctx, "Settings")
	WaitText(t, ctx, "Nothing to set yet.")
	WaitSelector(t, ctx, "main h1")
	assert.Equal(t, base+"/settings.html", URL(t, ctx))
	CheckAccessibility(t, ctx, "settings")
}

func TestNavigateFailsOnErrorStatus(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)

	assert.Equal(t, http.StatusNotFound, NavigateStatus(t, ctx, base+"/missing.html"))
	errs := TakeConsoleErrors(t, ctx)
	require.Len(t, errs, 1, "the browser logs the failed load")
	assert.Contains(t, errs[0], "404")

	rec := &recorder{TB: t}
	runFatal(rec, func() { Navigate(rec, ctx, base+"/missing.html") })
	assert.Contains(t, rec.text(), "HTTP status 404")
	TakeConsoleErrors(t, ctx)
}

func TestClickAndTypeFailClearly(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)
	Navigate(t, ctx, base+"/form.html")
	// A deadline on the context shortens the helpers' waits.
	short := func() context.Context {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		t.Cleanup(cancel)
		return sctx
	}

	rec := &recorder{TB: t}
	runFatal(rec, func() { Type(rec, short(), "Create project", "x") }) // a button, not a field
	assert.Contains(t, rec.text(), `no field named "Create project"`)

	rec = &recorder{TB: t}
	runFatal(rec, func() { Click(rec, short(), "Archive") })
	assert.Contains(t, rec.text(), `the button "Archive" is disabled`)

	rec = &recorder{TB: t}
	runFatal(rec, func() { ClickSelector(rec, short(), "button[") })
	assert.Contains(t, rec.text(), "SyntaxError")

	rec = &recorder{TB: t}
	runFatal(rec, func() { Click(rec, short(), "Nowhere") })
	assert.Contains(t, rec.text(), `no element named "Nowhere" on `+base+"/form.html")
}

func TestAccessibility(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)

	Navigate(t, ctx, base+"/form.html")
	for _, v := range AccessibilityViolations(t, ctx) {
		assert.False(t, v.Serious(), "form.html: %s", v)
	}
	CheckAccessibility(t, ctx, "form")

	Navigate(t, ctx, base+"/bad.html")
	var imageAlt *Violation
	for _, v := range AccessibilityViolations(t, ctx) {
		if v.ID == "image-alt" {
			imageAlt = &v
		}
	}
	require.NotNil(t, imageAlt, "axe-core finds the image without alt")
	assert.True(t, imageAlt.Serious(), "impact %s", imageAlt.Impact)
	require.NotEmpty(t, imageAlt.Nodes)
	assert.Equal(t, "img", imageAlt.Nodes[0].Target)

	rec := &recorder{TB: t}
	CheckAccessibility(rec, ctx, "bad")
	assert.Contains(t, rec.text(), "bad has 2 serious or critical accessibility violation(s)")
	assert.Contains(t, rec.text(), "light: image-alt (critical)")
	assert.Contains(t, rec.text(), "dark: image-alt (critical)")
}

func TestScreenshots(t *testing.T) { // not parallel: it sets the environment
	base := pages(t)
	dir := t.TempDir()
	t.Setenv(EnvScreenshots, dir)
	ctx := NewTab(t)
	Navigate(t, ctx, base+"/form.html")

	paths := Screenshots(t, ctx, "new project/form")
	require.Len(t, paths, 4)
	wantWidths := []int{390, 390, 1440, 1440}
	for i, p := range paths {
		assert.Equal(t, dir, filepath.Dir(p))
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err, p)
		assert.Equal(t, wantWidths[i], img.Bounds().Dx(), p)
		assert.Greater(t, img.Bounds().Dy(), 1500, "%s: the whole page, not the window", p)
	}
	assert.Equal(t, []string{
		filepath.Join(dir, "new_project_form-390-light.png"),
		filepath.Join(dir, "new_project_form-390-dark.png"),
		filepath.Join(dir, "new_project_form-1440-light.png"),
		filepath.Join(dir, "new_project_form-1440-dark.png"),
	}, paths)
	light, err := os.ReadFile(paths[2])
	require.NoError(t, err)
	dark, err := os.ReadFile(paths[3])
	require.NoError(t, err)
	assert.NotEqual(t, light, dark, "the dark scheme renders differently")
}

func TestScreenshotDirDefaultsToTheRepository(t *testing.T) { // not parallel: it sets the environment
	t.Setenv(EnvScreenshots, "")
	dir, err := screenshotDir()
	require.NoError(t, err)
	root, err := filepath.Abs("../..") // the package is internal/browsertest
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, ".screenshots"), dir)
}

func TestLongestTask(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)
	Navigate(t, ctx, base+"/busy.html")
	Click(t, ctx, "Work for 300 ms")
	WaitText(t, ctx, "Done.")
	assert.GreaterOrEqual(t, LongestTask(t, ctx), 250*time.Millisecond)
}

func TestConsoleErrorsFailTheTest(t *testing.T) {
	t.Parallel()
	base := pages(t)
	ctx := NewTab(t)
	Navigate(t, ctx, base+"/errors.html")
	WaitText(t, ctx, "Errors")

	rec := &recorder{TB: t}
	require.Eventually(t, func() bool {
		checkConsole(rec, ctx)
		return strings.Contains(rec.text(), "boom")
	}, Timeout, 100*time.Millisecond)
	got := rec.text()
	assert.Contains(t, got, "console.error: failed to render 42")
	assert.Contains(t, got, "Uncaught (in promise) Error: nobody waits for this")
	assert.Contains(t, got, "Uncaught TypeError: boom")
	assert.Contains(t, got, "/errors.html:")
	assert.Empty(t, TakeConsoleErrors(t, ctx), "the check took them")
}

func TestStartOwnBrowser(t *testing.T) {
	t.Parallel()
	b := Start(t)
	base := pages(t)
	t.Run("tab", func(t *testing.T) {
		ctx := b.NewTab(t)
		Navigate(t, ctx, base+"/settings.html")
		WaitText(t, ctx, "Nothing to set yet.")
	})
	require.NoError(t, b.close())
	require.NoError(t, b.close(), "a second close is a no-op")
}

func TestMissingChromiumFailsUnlessSkipped(t *testing.T) { // not parallel: it sets the environment
	t.Setenv(EnvChromium, filepath.Join(t.TempDir(), "chromium"))
	t.Setenv(EnvSkip, "")
	rec := &recorder{TB: t}
	runFatal(rec, func() { chromiumPath(rec) })
	assert.Contains(t, rec.text(), "no Chromium at "+os.Getenv(EnvChromium))
	assert.Contains(t, rec.text(), "apt-get install -y chromium")

	t.Setenv(EnvSkip, "1")
	rec = &recorder{TB: t}
	runFatal(rec, func() { chromiumPath(rec) })
	assert.Equal(t, "skip: browsertest: MASTRA_ADMIN_SKIP_BROWSER=1, browser tests skipped", rec.text())
}

func TestMissingAxeFails(t *testing.T) { // not parallel: it sets the environment
	base := pages(t)
	ctx := NewTab(t)
	Navigate(t, ctx, base+"/settings.html")
	for _, path := range []string{"", filepath.Join(t.TempDir(), "axe.min.js")} {
		t.Setenv(EnvAxe, path)
		rec := &recorder{TB: t}
		runFatal(rec, func() { CheckAccessibility(rec, ctx, "settings") })
		assert.Contains(t, rec.text(), "ensure_axe", "%s=%q", EnvAxe, path)
	}
}

// recorder is a testing.TB that keeps failures instead of failing, to test
// that a check fails a test. Fatal ends the goroutine as testing does; run
// such calls with runFatal.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.Errorf("skip: "+format, args...)
	runtime.Goexit()
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.msgs, "\n")
}

// runFatal runs f on its own goroutine, which a Fatalf of the recorder
// ends, and waits for it.
func runFatal(_ *recorder, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}
