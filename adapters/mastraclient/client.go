package mastraclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"time"
)

// Client reaches deployments by their public URL. When RouterAddr is set
// the request is sent to that address (the edge router as this process
// reaches it) with the public URL's host as its Host header, so it works
// where the public name does not resolve from the server.
type Client struct {
	RouterAddr string       // host:port of the edge router; "" dials the public URL itself
	HTTP       *http.Client // default: 60 s timeout, no redirects followed
}

// Workflow is one workflow a Mastra server serves.
type Workflow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// InputSchema is the workflow's input JSON schema as the server
	// reports it ("" when it has none).
	InputSchema string `json:"inputSchema,omitempty"`
}

// Run is the answer of a workflow run.
type Run struct {
	Status  int             // HTTP status of the Mastra server's answer
	Body    json.RawMessage // its JSON answer (or a JSON string of its text)
	RunID   string
	TraceID string
}

// ErrBadWorkflowID is returned for a workflow id that is not a plain name.
var ErrBadWorkflowID = errors.New("mastraclient: a workflow id is letters, digits, '-' and '_'")

var workflowID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

const maxAnswer = 4 << 20

func (c Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (c Client) request(ctx context.Context, method, publicURL, path string, body []byte) (*http.Request, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("mastraclient: deployment URL %q is not an http(s) URL", publicURL)
	}
	target := *u
	target.Path = u.Path + path
	host := u.Host
	if c.RouterAddr != "" {
		target.Scheme, target.Host = "http", c.RouterAddr
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("mastraclient: build request: %w", err)
	}
	req.Host = host
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

func (c Client) do(req *http.Request) (int, []byte, error) {
	res, err := c.client().Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("mastraclient: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return 0, nil, fmt.Errorf("mastraclient: read answer: %w", err)
	}
	if len(b) > maxAnswer {
		return 0, nil, fmt.Errorf("mastraclient: answer larger than %d bytes", maxAnswer)
	}
	return res.StatusCode, b, nil
}

// Workflows lists the workflows the deployment at publicURL serves, by id.
func (c Client) Workflows(ctx context.Context, publicURL string) ([]Workflow, error) {
	req, err := c.request(ctx, http.MethodGet, publicURL, "/api/workflows", nil)
	if err != nil {
		return nil, err
	}
	status, b, err := c.do(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("mastraclient: the server answered %d to GET /api/workflows: %s", status, snippet(b))
	}
	var raw map[string]struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		InputSchema any    `json:"inputSchema"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("mastraclient: GET /api/workflows is not a map of workflows: %w", err)
	}
	out := make([]Workflow, 0, len(raw))
	for id, w := range raw {
		wf := Workflow{ID: id, Name: w.Name, Description: w.Description}
		switch s := w.InputSchema.(type) {
		case string:
			wf.InputSchema = s
		case nil:
		default:
			if j, err := json.Marshal(s); err == nil {
				wf.InputSchema = string(j)
			}
		}
		out = append(out, wf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// StartWorkflow runs workflow id with inputData and waits for its result
// (POST /api/workflows/{id}/start-async). A refusal by the server (bad
// input: 400, unknown workflow: 404) is a Run with that status, not an
// error.
func (c Client) StartWorkflow(ctx context.Context, publicURL, id string, inputData json.RawMessage) (Run, error) {
	if !workflowID.MatchString(id) {
		return Run{}, ErrBadWorkflowID
	}
	if !json.Valid(inputData) {
		return Run{}, errors.New("mastraclient: the input is not JSON")
	}
	body, err := json.Marshal(map[string]json.RawMessage{"inputData": inputData})
	if err != nil {
		return Run{}, fmt.Errorf("mastraclient: encode input: %w", err)
	}
	req, err := c.request(ctx, http.MethodPost, publicURL, "/api/workflows/"+id+"/start-async", body)
	if err != nil {
		return Run{}, err
	}
	status, b, err := c.do(req)
	if err != nil {
		return Run{}, err
	}
	run := Run{Status: status}
	if json.Valid(b) {
		run.Body = b
		var ids struct {
			RunID   string `json:"runId"`
			TraceID string `json:"traceId"`
		}
		_ = json.Unmarshal(b, &ids) // not every answer is an object
		run.RunID, run.TraceID = ids.RunID, ids.TraceID
	} else {
		run.Body, _ = json.Marshal(string(b))
	}
	return run, nil
}

func snippet(b []byte) string {
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}
