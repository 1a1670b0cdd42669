package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

func TestBuildPageShowsStatusStepsAndTheLogViewer(t *testing.T) {
	t.Parallel()
	e := startLive(t)
	id := e.deploy(t)
	page := "/builds/" + id.String()
	dev := e.browser(t)
	csrf := dev.signIn(e.devToken)

	p := dev.get(page)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "<h1>Build "+id.String()[28:]+"</h1>")
	for _, crumb := range []string{`href="/teams/` + e.teamID.String() + `">Log Watchers`, `href="/projects/` + e.projectID.String() + `">Math`,
		`href="/deployments/` + e.deployment.String() + `">staging`} {
		assert.Contains(t, p.body, crumb)
	}
	assert.Contains(t, p.body, `<span class="badge warn">building</span>`)
	assert.Contains(t, p.body, "<dt>Trigger</dt><dd>deploy</dd>")
	assert.Contains(t, p.body, `">Math · staging</a>`)
	assert.Regexp(t, `(?s)<th scope="row">Queue.*?<span class="badge ok">done</span>`, p.body)
	assert.Regexp(t, `(?s)<th scope="row">Build.*?<span class="badge warn">running</span>.*?so far`, p.body)
	assert.Regexp(t, `(?s)<th scope="row">Deploy.*?<span class="badge ">waiting</span>`, p.body)
	assert.Contains(t, p.body, `data-log-viewer data-build="`+id.String()+`" data-ended="false"`)
	assert.Contains(t, p.body, `<script type="module" src="/assets/buildpage.js"></script>`)
	assert.Contains(t, p.body, `role="status" data-log="state"`, "the connection state is announced")
	assert.Contains(t, p.body, `action="/builds/`+id.String()+`/cancel"`, "a developer may cancel")
	assert.Contains(t, p.body, `href="/api/builds/`+id.String()+`/logs"`, "the whole log, without scripts too")
	for _, asset := range []string{"/assets/logviewer.js", "/assets/buildpage.js"} {
		a := dev.get(asset)
		assert.Equal(t, http.StatusOK, a.status, asset)
		assert.Contains(t, a.header.Get("Content-Type"), "javascript", asset)
	}

	// A viewer sees the build but is offered no cancel, and a forged one
	// is refused by the server.
	viewer := e.browser(t)
	viewerCSRF := viewer.signIn(e.viewer)
	v := viewer.get(page)
	require.Equal(t, http.StatusOK, v.status, v.body)
	assert.Contains(t, v.body, "building")
	assert.NotContains(t, v.body, "/cancel")
	assert.NotContains(t, v.body, "Cancel build")
	forged := viewer.post(page+"/cancel", url.Values{websession.CSRFField: {viewerCSRF}}, page)
	require.Equal(t, http.StatusSeeOther, forged.status)
	assert.Equal(t, page, forged.header.Get("Location"))
	assert.Contains(t, viewer.get(page).body, "a team viewer may not build.write", "the refusal is shown")
	assert.Equal(t, build.StatusBuilding, e.waitStatus(t, id, build.StatusBuilding).Status, "nothing was cancelled")

	// Without the CSRF token, nothing happens either.
	noToken := dev.post(page+"/cancel", url.Values{}, page)
	assert.Equal(t, http.StatusForbidden, noToken.status)
	assert.Equal(t, build.StatusBuilding, e.waitStatus(t, id, build.StatusBuilding).Status)

	// The developer cancels: the page says so and offers it no more.
	done := dev.post(page+"/cancel", url.Values{websession.CSRFField: {csrf}}, page)
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	assert.Equal(t, page, done.header.Get("Location"))
	p = dev.get(page)
	assert.Contains(t, p.body, "Build cancelled")
	assert.Contains(t, p.body, `<span class="badge error">cancelled</span>`)
	assert.Contains(t, p.body, `data-ended="true"`)
	assert.Regexp(t, `(?s)<th scope="row">Build.*?<span class="badge error">cancelled</span>`, p.body, "the step it was in ended it")
	assert.Regexp(t, `(?s)<th scope="row">Deploy.*?<span class="badge ">not run</span>`, p.body)
	assert.NotContains(t, p.body, "Cancel build")
	again := dev.post(page+"/cancel", url.Values{websession.CSRFField: {csrf}}, page)
	require.Equal(t, http.StatusSeeOther, again.status)
	assert.Contains(t, dev.get(page).body, "already cancelled", "cancelling an ended build says why not")
}

func TestBuildPageOfNoBuild(t *testing.T) {
	t.Parallel()
	e := startLive(t)
	id := e.deploy(t)
	outsider := e.browser(t)
	outsider.signIn(e.token(t, "outsider@example.com", false))
	for _, path := range []string{"/builds/" + id.String(), "/builds/" + uuid.NewString(), "/builds/not-a-uuid"} {
		p := outsider.get(path)
		assert.Equal(t, http.StatusNotFound, p.status, path)
		assert.NotContains(t, p.body, "data-log-viewer", path)
	}
	p := outsider.post("/builds/"+id.String()+"/cancel", url.Values{}, "/")
	assert.Equal(t, http.StatusForbidden, p.status, "no CSRF token")
	signedOut := e.browser(t).get("/builds/" + id.String())
	assert.Equal(t, http.StatusSeeOther, signedOut.status)
	assert.True(t, strings.HasPrefix(signedOut.header.Get("Location"), "/sign-in?next="))
}
