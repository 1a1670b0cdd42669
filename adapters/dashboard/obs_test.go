package dashboard_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rowNames are the names of the trace links of a traces page, in order.
func rowNames(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a href="/traces/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// nextHref is the link to a list's next page, "" when there is none.
func nextHref(body string) string {
	m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestTracesPageListsFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.owner)
	path := "/projects/" + e.project.String() + "/traces"

	p := b.get(path)
	require.Equal(t, http.StatusOK, p.status, p.body)
	names := rowNames(p.body)
	require.Len(t, names, 50, "a page holds 50 traces")
	assert.Equal(t, []string{"agent helper", "workflow math", "workflow math", "bulk run 00"}, names[:4], "newest first")
	assert.Contains(t, p.body, `href="/traces/trace-ok?project=`+e.project.String()+`"`, "a row links to its trace")
	assert.Contains(t, p.body, `<tr class="row-error">`, "the failed trace's row is marked")
	assert.Contains(t, p.body, `✕ </span>error</span>`, "and says error in words, not by color only")
	assert.Contains(t, p.body, "1.2k / 300", "tokens in / out")
	assert.Contains(t, p.body, "10 ms", "the duration")
	assert.Contains(t, p.body, `<time datetime="`+e.t0.UTC().Format(time.RFC3339)+`">`, "the start, for app.js to localize")
	assert.Contains(t, p.body, `aria-current="page">Traces`, "the project's tabs")

	next := nextHref(p.body)
	require.NotEmpty(t, next, "there is a next page")
	p2 := b.get(next)
	require.Equal(t, http.StatusOK, p2.status, p2.body)
	rest := rowNames(p2.body)
	assert.Len(t, rest, 13, "63 traces in all")
	assert.Equal(t, "bulk run 59", rest[len(rest)-1])
	assert.Empty(t, nextHref(p2.body), "the last page has no next")
	assert.Contains(t, p2.body, ">First page</a>")

	q := func(v url.Values) []string {
		t.Helper()
		p := b.get(path + "?" + v.Encode())
		require.Equal(t, http.StatusOK, p.status, p.body)
		return rowNames(p.body)
	}
	assert.Equal(t, []string{"workflow math"}, q(url.Values{"status": {"error"}}))
	assert.Equal(t, []string{"agent helper"}, q(url.Values{"name": {"HELPER"}}))
	assert.Equal(t, []string{"agent helper"}, q(url.Values{"deploymentId": {e.staging.String()}}))
	// From and To are wall times in the zone the form names.
	from := e.t0.Add(90 * time.Second).UTC().Format("2006-01-02T15:04:05")
	assert.Equal(t, []string{"agent helper"}, q(url.Values{"from": {from}, "tz": {"UTC"}}))
	assert.Equal(t, []string{"agent helper", "workflow math", "workflow math"},
		q(url.Values{"from": {from}, "tz": {"Asia/Tokyo"}})[:3], "the same wall time in Tokyo is nine hours earlier")
	to := e.t0.Add(30 * time.Second).In(mustZone(t, "America/New_York")).Format("2006-01-02T15:04:05")
	p = b.get(path + "?" + url.Values{"to": {to}, "tz": {"America/New_York"}}.Encode())
	assert.Equal(t, "workflow math", rowNames(p.body)[0], "to in New York's time ends before the failed trace")
	assert.Contains(t, p.body, `value="`+to+`"`, "the form shows the time as typed")
	assert.Contains(t, p.body, `<span data-zone>America/New_York</span>`, "and names the zone")

	// Bad input: a clear message where the list was, the form keeps it.
	p = b.get(path + "?" + url.Values{"from": {"yesterday"}, "name": {"keep me"}}.Encode())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `role="alert"`)
	assert.Contains(t, p.body, `from &#34;yesterday&#34; is not a date and time`)
	assert.Contains(t, p.body, `value="keep me"`)
	p = b.get(path + "?cursor=garbage")
	assert.Contains(t, p.body, "is not one this API returned")
	p = b.get(path + "?deploymentId=nope")
	assert.Contains(t, p.body, "is not a deployment")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestTracePageIsAShellForTheWaterfall(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.owner)

	p := b.get("/traces/trace-ok?project=" + e.project.String())
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, `data-trace-id="trace-ok"`)
	assert.Contains(t, p.body, `<script type="module" src="/assets/waterfall.js"></script>`)
	assert.Contains(t, p.body, `<a href="/projects/`+e.project.String()+`/traces">Traces</a>`, "a way back to the list")
	assert.Contains(t, p.body, "<noscript>")

	js := b.get("/assets/waterfall.js")
	require.Equal(t, http.StatusOK, js.status)
	assert.Contains(t, js.header.Get("Content-Type"), "javascript")
	assert.Contains(t, js.body, `role: "treegrid"`)

	p = b.get("/traces/" + strings.Repeat("x", 129))
	assert.Equal(t, http.StatusBadRequest, p.status)
	p = b.get("/traces/trace-ok?project=" + "not-a-project")
	assert.Equal(t, http.StatusOK, p.status, "the waterfall does not need the project")
	assert.Contains(t, p.body, "not found")
}

func TestLogsPageSearchesAndLinksToTraces(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.owner)
	path := "/projects/" + e.project.String() + "/logs"
	messages := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<span class="mono">([^<]*)</span>(?:<details>|</td>)`).FindAllStringSubmatch(body, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}

	p := b.get(path)
	require.Equal(t, http.StatusOK, p.status, p.body)
	got := messages(p.body)
	require.Len(t, got, 50)
	assert.Equal(t, []string{"staging server ready", "Bad input: x", "Adding 2 and 3"}, got[:3])
	assert.Contains(t, p.body, `href="/traces/trace-ok?project=`+e.project.String()+`"`, "a line of a trace links to it")
	assert.Contains(t, p.body, `<summary>Data</summary><pre tabindex="0">{&#34;n&#34;:1}</pre>`)
	assert.Contains(t, p.body, `✕ </span>error</span>`)
	next := nextHref(p.body)
	require.NotEmpty(t, next)
	assert.Len(t, messages(b.get(next).body), 8, "58 lines in all")

	q := func(v url.Values) []string {
		t.Helper()
		p := b.get(path + "?" + v.Encode())
		require.Equal(t, http.StatusOK, p.status, p.body)
		return messages(p.body)
	}
	assert.Equal(t, []string{"Adding 2 and 3"}, q(url.Values{"q": {"ADDING"}}))
	assert.Equal(t, []string{"Bad input: x"}, q(url.Values{"level": {"error"}}))
	assert.Equal(t, []string{"Adding 2 and 3"}, q(url.Values{"traceId": {"trace-ok"}}))
	assert.Equal(t, []string{"staging server ready"}, q(url.Values{"deploymentId": {e.staging.String()}}))
	assert.Equal(t, []string{"staging server ready", "Bad input: x"},
		q(url.Values{"from": {e.t0.Add(30 * time.Second).UTC().Format("2006-01-02T15:04:05")}, "tz": {"UTC"}}))
	assert.Empty(t, q(url.Values{"q": {"no such line"}}))
	p = b.get(path + "?q=no+such+line")
	assert.Contains(t, p.body, "No log lines match")
	p = b.get(path + "?" + url.Values{"from": {"2026-01-02T00:00"}, "to": {"2026-01-01T00:00"}}.Encode())
	assert.Contains(t, p.body, "is after To")
}

func TestMetricsPageChartsWithDeployMarkers(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.owner)
	path := "/projects/" + e.project.String() + "/metrics"

	p := b.get(path + "?range=1h&bucket=1m")
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, 3, strings.Count(p.body, `<svg viewBox="0 0 720 260" role="group"`), "runs, latency and tokens")
	for _, title := range []string{"Runs and errors", "Latency", "Tokens"} {
		assert.Contains(t, p.body, `-title">`+title+`</title>`)
	}
	assert.Contains(t, p.body, "<desc ", "each chart describes itself")
	assert.Contains(t, p.body, `Runs: 3 in total`, "the summary in words counts the runs of the hour")
	assert.Contains(t, p.body, `Errors: 1 in total`)
	assert.Contains(t, p.body, `Input tokens: 1.2k in total`)
	assert.Contains(t, p.body, "<polyline points=", "a line is drawn")
	assert.Contains(t, p.body, "as a table</summary>", "with a data table")
	build := "/builds/" + e.build.String()
	assert.Equal(t, 3, strings.Count(p.body, `<a href="`+build+`" class="marker marker-deploy">`), "each chart's deploy marker links to the build")
	assert.Contains(t, p.body, `<a href="`+build+`">Build <span class="mono">`+e.build.String()[28:]+`</span></a>`, "and so does the list of changes")
	assert.Contains(t, p.body, "deploy of build "+e.build.String()[28:]+" on production")

	p = b.get(path + "?range=1h&deploymentId=" + e.staging.String())
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Runs: 1 in total", "one deployment's runs")
	assert.NotContains(t, p.body, build, "production's deploy is not marked on staging")

	p = b.get(path + "?range=6h")
	assert.Contains(t, p.body, "Runs: 63 in total", "the bulk runs of an hour earlier count too")
	p = b.get(path + "?range=custom&from=" + e.t0.Add(-2*time.Hour).UTC().Format("2006-01-02T15:04") + "&tz=UTC")
	assert.Contains(t, p.body, "Runs: 63 in total", "a custom range")

	p = b.get(path + "?range=1h&bucket=7m")
	assert.Contains(t, p.body, `role="alert"`)
	assert.Contains(t, p.body, `bucket &#34;7m&#34; is none of`)
	assert.Contains(t, p.body, `Compare two deployments`, "the rest of the page renders")

	p = b.get(path + "?range=12y")
	assert.Contains(t, p.body, "is not one of the choices")
}

func TestCompareTwoDeployments(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.owner)
	path := "/projects/" + e.project.String() + "/metrics/compare"

	p := b.get(path)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Choose deployment A and deployment B")
	assert.Contains(t, p.body, `<option value="`+e.staging.String()+`">staging`, "the project's deployments to choose from")

	p = b.get(path + "?a=" + e.prod.String() + "&b=" + e.staging.String())
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "A: production")
	assert.Contains(t, p.body, "B: staging")
	assert.Regexp(t, `<th scope="row">Runs</th><td class="num">62</td><td class="num">1</td>`, p.body)
	assert.Regexp(t, `<th scope="row">Failed runs</th><td class="num">1</td><td class="num">0</td>\s*<td class="num">−1 <span class="muted">\(lower\)`, p.body)

	p = b.get(path + "?a=" + e.prod.String())
	assert.Contains(t, p.body, "choose two deployments")
	p = b.get(path + "?a=nope&b=" + e.staging.String())
	assert.Contains(t, p.body, `a=&#34;nope&#34; is not`)
}

func TestAnotherTeamSeesNoneOfIt(t *testing.T) {
	t.Parallel()
	e := startObs(t, true)
	e.seed(t)
	b := e.browser(t)
	b.signIn(e.token(t, "mallory@example.com", false))
	pr := "/projects/" + e.project.String()
	for _, path := range []string{pr + "/traces", pr + "/logs", pr + "/metrics", pr + "/metrics/compare?a=" + e.prod.String() + "&b=" + e.staging.String()} {
		p := b.get(path)
		assert.Equal(t, http.StatusNotFound, p.status, path)
		assert.NotContains(t, p.body, "workflow math", path)
		assert.NotContains(t, p.body, "Math", path)
	}
	for _, path := range []string{"/api/traces/trace-ok", "/api/traces/trace-ok/spans/ok1"} {
		assert.Equal(t, http.StatusNotFound, b.get(path).status, path)
	}
	p := b.get("/traces/trace-ok?project=" + e.project.String())
	assert.NotContains(t, p.body, "Math", "the shell names no project the reader may not see")
}

func TestWithoutClickHouseEachSectionSaysSo(t *testing.T) {
	t.Parallel()
	e := startObs(t, false)
	b := e.browser(t)
	b.signIn(e.owner)
	pr := "/projects/" + e.project.String()
	for _, path := range []string{pr + "/traces", pr + "/logs", pr + "/metrics", pr + "/metrics/compare?a=" + e.prod.String() + "&b=" + e.staging.String()} {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.status, path)
		assert.Contains(t, p.body, "Could not load this part.", path)
		assert.Contains(t, p.body, "ClickHouse) is not configured: set CLICKHOUSE_URL", path)
		assert.Contains(t, p.body, `<option value="`+e.prod.String()+`"`, "%s: the filters still list the deployments", path)
	}
	assert.Equal(t, http.StatusServiceUnavailable, b.get("/api/traces/trace-ok").status, "the waterfall's data says why")
}
