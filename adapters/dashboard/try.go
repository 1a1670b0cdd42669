package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// Workflows reaches a deployed Mastra server's own API (the adapter is
// mastraclient.Client, through the edge router).
type Workflows interface {
	List(ctx context.Context, publicURL string) ([]Workflow, error)
	Start(ctx context.Context, publicURL, workflowID string, inputData json.RawMessage) (WorkflowRun, error)
}

// Workflow is one workflow a deployment serves.
type Workflow struct {
	ID, Name, Description, InputSchema string
}

// WorkflowRun is the server's answer to a run.
type WorkflowRun struct {
	Status         int
	Body           json.RawMessage
	RunID, TraceID string
}

type tryData struct {
	Deployment deployment.View
	Workflows  Section[[]Workflow]
	Chosen     string
	Input      string
	Run        *WorkflowRun
	Pretty     string // the run's answer, indented
	RunErr     string
}

func (s *Server) tryRoutes(r *mux.Router) {
	r.HandleFunc("/deployments/{id}/try", s.signedIn(s.tryPage)).Methods(http.MethodGet)
	r.HandleFunc("/deployments/{id}/try", s.signedIn(s.tryRun)).Methods(http.MethodPost)
}

// tryPage shows the workflows a running deployment serves, with a form
// that runs one through the deployment's public route.
func (s *Server) tryPage(w http.ResponseWriter, r *http.Request) {
	s.renderTry(w, r, tryData{Input: "{}"})
}

// tryRun runs the chosen workflow and shows its answer on the same page
// (a run is not idempotent, but neither is it state of MastraAdmin: the
// answer is shown once; reloading asks the browser before posting again).
func (s *Server) tryRun(w http.ResponseWriter, r *http.Request) {
	d := tryData{Chosen: r.PostFormValue("workflow"), Input: r.PostFormValue("input")}
	in := strings.TrimSpace(d.Input)
	if in == "" {
		in = "{}"
	}
	if !json.Valid([]byte(in)) {
		d.RunErr = "The input is not valid JSON: write an object such as {\"value\": 21}."
		s.renderTry(w, r, d)
		return
	}
	dep, err := s.deploymentToTry(r)
	if err != nil {
		s.renderTry(w, r, d) // says why it cannot run
		return
	}
	run, err := s.cfg.Workflows.Start(r.Context(), dep.PublicURL, d.Chosen, json.RawMessage(in))
	if err != nil {
		d.RunErr = "The run could not be sent: " + err.Error()
	} else {
		d.Run = &run
		d.Pretty = indent(run.Body)
	}
	s.renderTry(w, r, d)
}

func (s *Server) deploymentToTry(r *http.Request) (deployment.View, error) {
	if s.cfg.Workflows == nil {
		return deployment.View{}, domain.Errorf(domain.KindUnavailable, "this dashboard cannot reach deployments (no edge router configured)")
	}
	id, err := idIn(r, "id", "deployment")
	if err != nil {
		return deployment.View{}, err
	}
	return s.cfg.Admin.DeploymentToTry(r.Context(), session(r).Principal, id)
}

func (s *Server) renderTry(w http.ResponseWriter, r *http.Request, d tryData) {
	dep, err := s.deploymentToTry(r)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Kind == domain.KindConflict {
			// Not running: say so on the page, with the way back.
			d.Workflows = Section[[]Workflow]{Err: de.Msg}
			if v, gerr := s.cfg.Admin.GetDeployment(r.Context(), session(r).Principal, mustID(r)); gerr == nil {
				d.Deployment = v
				s.render(w, r, http.StatusConflict, "try", s.tryView(r, d))
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	d.Deployment = dep
	d.Workflows = load(r.Context(), func(ctx context.Context) ([]Workflow, error) {
		return s.cfg.Workflows.List(ctx, dep.PublicURL)
	})
	if d.Chosen == "" && d.Workflows.OK() && len(d.Workflows.Data) > 0 {
		d.Chosen = d.Workflows.Data[0].ID
	}
	status := http.StatusOK
	if d.RunErr != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "try", s.tryView(r, d))
}

func (s *Server) tryView(r *http.Request, d tryData) view {
	return view{Title: "Try " + d.Deployment.Slug, Session: session(r), Data: d, Crumbs: []crumb{
		{Label: "Project", Href: "/projects/" + d.Deployment.ProjectID.String()},
		{Label: d.Deployment.Slug, Href: "/deployments/" + d.Deployment.ID.String()}}}
}

// mustID is the path's deployment ID, which deploymentToTry has parsed.
func mustID(r *http.Request) uuid.UUID {
	id, _ := idIn(r, "id", "deployment")
	return id
}

func indent(b json.RawMessage) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return string(b)
	}
	return string(out)
}
