package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/browsertest"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// TestDashboardJourney does a team's whole job in headless Chromium
// against a real serve (real build of the mastra-math fixture, router,
// ClickHouse), by clicks and typing only: sign in with a token, create a
// team, invite a member, create a project from the source picker, set a
// secret, create a production deployment, deploy, watch the live log to
// the end, open the deployment's URL, run the workflow through it, open
// its trace's waterfall and find the deploy marker on the metrics chart.
// The invited viewer then signs in, accepts, and is offered no action a
// viewer may not take; a forged request and one without the CSRF token
// are refused. Every page is checked with axe-core and screenshotted.
func TestDashboardJourney(t *testing.T) {
	t.Parallel()
	env, _ := servingEnv(t)
	delete(env, "MASTRA_ADMIN_INJECT_ENTRY")
	env["MASTRA_ADMIN_HEALTH_TIMEOUT"] = "2m"
	base := t.TempDir()
	require.NoError(t, exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "mastra-math"), base).Run())
	env["PROJECTS_DIR"] = base
	buildAsNobody(t, env)
	store := chtest.New(t, "")
	env["CLICKHOUSE_URL"] = "clickhouse://" + chtest.Config(t).Addr + "/" + store.Database()
	_, _, stderr := serveProcess(t, env)
	admin := newAPIClient(t, env) // a platform admin's token, as `mastra-admin token create` prints it
	home := "http://" + env["MASTRA_ADMIN_ADDR"]

	b := browsertest.Start(t)
	ctx := b.NewTab(t)
	page := func(name string) {
		t.Helper()
		browsertest.CheckAccessibility(t, ctx, name)
		assert.Empty(t, browsertest.WideElements(t, ctx, 390), "%s scrolls sideways on a phone", name)
		browsertest.Screenshots(t, ctx, "journey-"+name)
	}

	// Sign in by pasting the token.
	browsertest.Navigate(t, ctx, home+"/")
	browsertest.WaitText(t, ctx, "With an API token")
	page("sign-in")
	browsertest.Type(t, ctx, "API token", admin.token)
	browsertest.Click(t, ctx, "Sign in")
	browsertest.WaitText(t, ctx, "You are in no team yet")
	page("teams-empty")

	// A team.
	browsertest.Type(t, ctx, "Name", "Math team")
	browsertest.Click(t, ctx, "Create team")
	browsertest.WaitText(t, ctx, "Team Math team created.")
	teamURL := browsertest.URL(t, ctx)
	page("team-empty")

	// Invite a viewer.
	browsertest.Click(t, ctx, "Members")
	browsertest.Type(t, ctx, "Email", "viewer@example.com")
	browsertest.Type(t, ctx, "Role", "viewer")
	browsertest.Click(t, ctx, "Send invite")
	browsertest.WaitText(t, ctx, "viewer@example.com")
	page("members")

	// A project from the source picker.
	browsertest.Navigate(t, ctx, teamURL)
	browsertest.Click(t, ctx, "New project")
	browsertest.WaitText(t, ctx, "mastra-math")
	page("project-new")
	browsertest.ClickSelector(t, ctx, `input[type=radio][name=source]:not([disabled])`)
	browsertest.Type(t, ctx, "Name", "Mastra Math")
	browsertest.Click(t, ctx, "Create project")
	waitFor(t, ctx, 15*time.Second, func(string) bool { return strings.Contains(browsertest.URL(t, ctx), "/projects/") }, "the project's page")
	browsertest.WaitText(t, ctx, "Create deployment")
	projectURL := browsertest.URL(t, ctx)
	page("project-empty")

	// A secret.
	const secret = "sk-journey-0123456789"
	browsertest.Click(t, ctx, "Env vars")
	browsertest.Type(t, ctx, "Name", "OPENAI_API_KEY")
	browsertest.Type(t, ctx, "Value", secret)
	browsertest.Click(t, ctx, "Save env var")
	browsertest.WaitText(t, ctx, "OPENAI_API_KEY")
	assert.NotContains(t, html(t, ctx), secret, "a secret is never sent back to the browser")
	page("env")

	// A production deployment, deployed; the live log followed to its end.
	browsertest.Navigate(t, ctx, projectURL)
	browsertest.Click(t, ctx, "Create deployment")
	waitFor(t, ctx, 15*time.Second, func(string) bool { return strings.Contains(browsertest.URL(t, ctx), "/deployments/") }, "the new deployment's page")
	browsertest.WaitText(t, ctx, "Deployment production created")
	deploymentURL := browsertest.URL(t, ctx)
	browsertest.Click(t, ctx, "Deploy")
	waitFor(t, ctx, 15*time.Second, func(string) bool { return strings.Contains(browsertest.URL(t, ctx), "/builds/") }, "the build page")
	buildURL := browsertest.URL(t, ctx)
	buildID := buildURL[strings.LastIndex(buildURL, "/")+1:]
	waitFor(t, ctx, 10*time.Minute, func(text string) bool {
		return strings.Contains(text, "The build succeeded") || strings.Contains(text, "The build failed")
	}, "the build to end in the live log:\n"+stderr.String())
	// The lines the viewer holds (off-screen blocks are not laid out, so
	// they are not in the page's innerText).
	logLines, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-log=lines]").textContent`))
	require.NoError(t, err)
	require.Contains(t, browsertest.PageText(t, ctx), "The build succeeded", logLines)
	for _, want := range []string{"==> install (npm)", "==> mastra build", "==> inject the MastraAdmin entry", "==> bundle ready in"} {
		assert.Contains(t, logLines, want)
	}
	page("build")

	// The deployment's URL answers through the router.
	browsertest.Navigate(t, ctx, deploymentURL)
	waitFor(t, ctx, 2*time.Minute, func(text string) bool { return strings.Contains(text, "Try it: run a workflow") }, "the deployment to run")
	page("deployment")
	publicURL := attr(t, ctx, `a[href*=".localhost:"]`, "href")
	browsertest.ClickSelector(t, ctx, `a[href*=".localhost:"]`)
	waitFor(t, ctx, 15*time.Second, func(string) bool { return strings.HasPrefix(browsertest.URL(t, ctx), publicURL) }, "the public URL")
	assert.NotContains(t, browsertest.PageText(t, ctx), "no route", "the router serves the deployment")

	// Run the workflow through it.
	browsertest.Navigate(t, ctx, deploymentURL)
	browsertest.Click(t, ctx, "Try it: run a workflow")
	browsertest.WaitText(t, ctx, "mathWorkflow")
	browsertest.Fill(t, ctx, "Input data (JSON)", `{"value":21}`)
	browsertest.Click(t, ctx, "Run workflow")
	browsertest.WaitText(t, ctx, "result is 42")
	page("try")

	// Its trace, once ingested: the waterfall.
	browsertest.Click(t, ctx, "Open the trace of this run")
	traceURL := browsertest.URL(t, ctx)
	waitFor(t, ctx, time.Minute, func(text string) bool {
		if strings.Contains(text, "add-step") || strings.Contains(text, "workflow") && strings.Contains(text, "Duration") {
			return true
		}
		browsertest.TakeConsoleErrors(t, ctx) // the trace's 404 until it is ingested
		browsertest.Navigate(t, ctx, traceURL)
		return false
	}, "the trace's waterfall")
	for _, e := range browsertest.TakeConsoleErrors(t, ctx) { // a 404 of a page the wait left may be logged late
		assert.True(t, strings.Contains(e, "404") && strings.Contains(e, "/api/traces/"), "only the trace's 404 while it was ingested: %s", e)
	}
	browsertest.WaitSelector(t, ctx, `[role=treegrid] [role=row][aria-level]`)
	page("trace")

	// The deploy marker on the metrics chart links to the build.
	browsertest.Navigate(t, ctx, projectURL)
	browsertest.Click(t, ctx, "Metrics")
	browsertest.WaitSelector(t, ctx, fmt.Sprintf(`svg a.marker[href="/builds/%s"]`, buildID))
	page("metrics")

	// The other pages, for accessibility and screenshots.
	for name, path := range map[string]string{"traces": "/traces", "logs": "/logs", "compare": "/metrics/compare"} {
		browsertest.Navigate(t, ctx, projectURL+path)
		page(name)
	}
	for name, url := range map[string]string{"team": teamURL, "audit": teamURL + "/audit", "license": home + "/license",
		"admin": home + "/admin", "teams": home + "/"} {
		browsertest.Navigate(t, ctx, url)
		page(name)
	}

	// The viewer accepts the invite from the email (the console mailer's
	// log line is the email here) and is offered nothing a viewer may not do.
	accept := acceptURL(t, stderr.String(), "viewer@example.com")
	viewerToken := runCLI(t, env, "token", "create", "--email", "viewer@example.com")
	require.Equal(t, exitOK, viewerToken.code, viewerToken.stderr)
	vb := browsertest.Start(t)
	vctx := vb.NewTab(t)
	browsertest.Navigate(t, vctx, accept)
	browsertest.Type(t, vctx, "API token", strings.TrimSpace(viewerToken.stdout))
	browsertest.Click(t, vctx, "Sign in")
	browsertest.WaitText(t, vctx, "Accept invite")
	browsertest.CheckAccessibility(t, vctx, "invite")
	browsertest.Screenshots(t, vctx, "journey-invite")
	browsertest.Click(t, vctx, "Accept invite")
	waitFor(t, vctx, 15*time.Second, func(string) bool { return strings.Contains(browsertest.URL(t, vctx), "/teams/") }, "the team's home")
	browsertest.WaitText(t, vctx, "You joined")
	browsertest.Navigate(t, vctx, deploymentURL)
	browsertest.WaitText(t, vctx, "Overview")
	buttons := strings.Join(buttonTexts(t, vctx), "|")
	for _, action := range []string{"Deploy", "Stop", "Restart", "Roll back", "Delete deployment", "Save"} {
		assert.NotContains(t, buttons, action, "a viewer is not offered %q", action)
	}
	assert.NotContains(t, browsertest.PageText(t, vctx), "Try it", "nor running workflows")
	browsertest.Navigate(t, vctx, projectURL+"/env")
	assert.NotContains(t, strings.Join(buttonTexts(t, vctx), "|"), "Save env var")
	assert.NotContains(t, html(t, vctx), secret)

	// Forged from the viewer's page: with the session's CSRF token the
	// server refuses the viewer; without it, anyone.
	depID := deploymentURL[strings.LastIndex(deploymentURL, "/")+1:]
	status := func(script string) int {
		s, err := chromedp.Run(vctx, chromedp.Evaluate[int](script, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		return s
	}
	withToken := fmt.Sprintf(`fetch("/api/deployments/%s/deploy", {method: "POST", headers: {"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}}).then(r => r.status)`, depID)
	withoutToken := fmt.Sprintf(`fetch("/api/deployments/%s/deploy", {method: "POST"}).then(r => r.status)`, depID)
	assert.Equal(t, 403, status(withToken), "a viewer may not deploy")
	assert.Equal(t, 403, status(withoutToken), "a request without the CSRF token is refused")
	browsertest.TakeConsoleErrors(t, vctx) // the refused fetches
	builds := admin.must(200, "GET", "/api/deployments/"+depID+"/builds", "")
	assert.Len(t, builds["builds"], 1, "the forged deploys queued nothing")
}

// waitFor polls the page's text until ok says so, for up to d.
func waitFor(t *testing.T, ctx context.Context, d time.Duration, ok func(text string) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if ok(browsertest.PageText(t, ctx)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; the page shows:\n%s", d, what, browsertest.PageText(t, ctx))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func html(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	require.NoError(t, err)
	return s
}

func attr(t *testing.T, ctx context.Context, selector, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.getAttribute(%q) ?? ""`, selector, name)))
	require.NoError(t, err)
	require.NotEmpty(t, v, "%s has no %s", selector, name)
	return v
}

func buttonTexts(t *testing.T, ctx context.Context) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("button, input[type=submit]")].map(b => (b.innerText || b.value).trim())`))
	require.NoError(t, err)
	return out
}

// acceptURL finds the invite link the console mailer logged for to.
func acceptURL(t *testing.T, log, to string) string {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		var e struct {
			To        string `json:"to"`
			AcceptURL string `json:"accept_url"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.To == to && e.AcceptURL != "" {
			return e.AcceptURL
		}
	}
	t.Fatalf("no invite email to %s in serve's log", to)
	return ""
}
