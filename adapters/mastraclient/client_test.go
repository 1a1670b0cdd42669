package mastraclient_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/mastraclient"
)

// server answers as a Mastra server does on the two routes the client
// uses, and records the Host each request was sent to.
func server(t *testing.T) (*httptest.Server, *[]string) {
	var hosts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/workflows":
			_, _ = io.WriteString(w, `{"mathWorkflow":{"name":"math-workflow","inputSchema":"{\"type\":\"object\"}"},"other":{"name":"o","inputSchema":{"type":"object"}}}`)
		case r.Method == "POST" && r.URL.Path == "/api/workflows/mathWorkflow/start-async":
			var in struct {
				InputData struct{ Value any } `json:"inputData"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.InputData.Value == nil {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error":"bad input"}`)
				return
			}
			_, _ = io.WriteString(w, `{"status":"success","result":"result is 42","runId":"r1","traceId":"t1"}`)
		case r.URL.Path == "/api/workflows/text/start-async":
			_, _ = io.WriteString(w, "plain text")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hosts
}

func TestClientThroughTheRouter(t *testing.T) {
	srv, hosts := server(t)
	c := mastraclient.Client{RouterAddr: strings.TrimPrefix(srv.URL, "http://")}
	ctx := context.Background()
	const public = "http://job-agent.localhost:3100"

	wfs, err := c.Workflows(ctx, public)
	require.NoError(t, err)
	require.Len(t, wfs, 2)
	assert.Equal(t, "mathWorkflow", wfs[0].ID)
	assert.Equal(t, `{"type":"object"}`, wfs[0].InputSchema)
	assert.Equal(t, `{"type":"object"}`, wfs[1].InputSchema, "a schema sent as an object is kept as JSON text")
	assert.Equal(t, "job-agent.localhost:3100", (*hosts)[0], "the request names the deployment's host")

	run, err := c.StartWorkflow(ctx, public, "mathWorkflow", json.RawMessage(`{"value":21}`))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, run.Status)
	assert.Equal(t, "t1", run.TraceID)
	assert.Equal(t, "r1", run.RunID)
	assert.Contains(t, string(run.Body), "result is 42")

	run, err = c.StartWorkflow(ctx, public, "mathWorkflow", json.RawMessage(`{}`))
	require.NoError(t, err, "a refusal by the server is an answer, not an error")
	assert.Equal(t, http.StatusBadRequest, run.Status)

	run, err = c.StartWorkflow(ctx, public, "text", json.RawMessage(`{}`))
	require.NoError(t, err)
	assert.Equal(t, `"plain text"`, string(run.Body), "a text answer is kept as a JSON string")

	for _, bad := range []string{"", "../admin", "a/b", "x?y", strings.Repeat("a", 200)} {
		_, err = c.StartWorkflow(ctx, public, bad, json.RawMessage(`{}`))
		assert.ErrorIs(t, err, mastraclient.ErrBadWorkflowID, bad)
	}
	_, err = c.StartWorkflow(ctx, public, "mathWorkflow", json.RawMessage(`{nope`))
	assert.ErrorContains(t, err, "not JSON")
	_, err = c.Workflows(ctx, "ftp://x")
	assert.ErrorContains(t, err, "not an http(s) URL")
}

func TestClientWithoutARouterDialsThePublicURL(t *testing.T) {
	srv, _ := server(t)
	wfs, err := mastraclient.Client{}.Workflows(context.Background(), srv.URL)
	require.NoError(t, err)
	assert.Len(t, wfs, 2)
	_, err = mastraclient.Client{}.Workflows(context.Background(), srv.URL+"/missing")
	assert.ErrorContains(t, err, "answered 404")
}
