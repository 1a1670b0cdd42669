package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// buildRoutes registers the build page (status, steps, the live log) and
// its cancel action.
func (s *Server) buildRoutes(r *mux.Router) {
	r.HandleFunc("/builds/{id}", s.signedIn(s.buildPage)).Methods(http.MethodGet)
	r.HandleFunc("/builds/{id}/cancel", s.act(s.cancelBuild)).Methods(http.MethodPost)
}

// buildData is what the build page shows.
type buildData struct {
	Build build.View
	// Where is the build's team, project and deployment (for the crumbs,
	// and the caller's role).
	Where Section[buildPlace]
	Steps []buildStep
	// Role is the caller's role in the build's team ("" for a platform
	// admin who is not a member; no action is offered when Where failed).
	Role domain.Role
}

type buildPlace struct {
	Team       team.View
	Project    project.View
	Deployment deployment.View
}

// buildStep is one row of the build's timings.
type buildStep struct {
	Name, Note   string
	Start, End   *time.Time
	Duration     string
	State, Label string // State: a badge class (ok, error, warn or ""); Label: its text
}

func (s *Server) buildPage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	id, err := idIn(r, "id", "build")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), sess.Principal, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := buildData{Build: b, Steps: buildSteps(b, time.Now())}
	data.Where = load(r.Context(), func(ctx context.Context) (buildPlace, error) {
		var p buildPlace
		var err error
		if p.Team, err = s.cfg.Admin.GetTeam(ctx, sess.Principal, b.TeamID); err != nil {
			return p, err
		}
		if p.Project, err = s.cfg.Admin.GetProject(ctx, sess.Principal, b.ProjectID); err != nil {
			return p, err
		}
		p.Deployment, err = s.cfg.Admin.GetDeployment(ctx, sess.Principal, b.DeploymentID)
		return p, err
	})
	crumbs := []crumb{{Label: "Teams", Href: "/"}}
	if data.Where.OK() {
		w := data.Where.Data
		data.Role = w.Team.Role
		crumbs = append(crumbs,
			crumb{Label: w.Team.Name, Href: "/teams/" + w.Team.ID.String()},
			crumb{Label: w.Project.Name, Href: "/projects/" + w.Project.ID.String()},
			crumb{Label: buildDeploymentLabel(w.Deployment), Href: "/deployments/" + w.Deployment.ID.String()})
	}
	s.render(w, r, http.StatusOK, "build", view{Title: "Build " + idTail(b.ID), Session: sess, Crumbs: crumbs, Data: data})
}

// DeploymentLabel names the deployment for a person.
func (p buildPlace) DeploymentLabel() string { return buildDeploymentLabel(p.Deployment) }

// buildDeploymentLabel names a deployment for a person: its type, and its
// slug when that says more.
func buildDeploymentLabel(d deployment.View) string {
	if d.Slug == "" || d.Slug == string(d.Type) {
		return string(d.Type)
	}
	return string(d.Type) + " " + d.Slug
}

func (s *Server) cancelBuild(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	id, err := idIn(r, "id", "build")
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.CancelBuild(r.Context(), sess.Principal, id); err != nil {
		return "", "", err
	}
	return "/builds/" + id.String(), "Build cancelled: its pipeline stops within moments.", nil
}

// buildSteps are the build's steps with their times: waiting in the queue,
// building (install and mastra build, or nothing for a rollback, which
// re-uses an earlier build's artifact) and deploying (starting the server
// until it answers its health check through the router). A step still
// running is timed until now.
func buildSteps(b build.View, now time.Time) []buildStep {
	ended := b.Status.Ended()
	end := b.FinishedAt
	step := func(name, note string, start, stop *time.Time) buildStep {
		st := buildStep{Name: name, Note: note, Start: start, End: stop}
		switch {
		case start == nil && stop == nil && ended:
			st.Label = "not run"
		case start == nil:
			st.Label = "waiting"
		case stop == nil && ended:
			st.Label, st.State = "not recorded", "warn"
		case stop == nil:
			st.Label, st.State, st.Duration = "running", "warn", buildDuration(now.Sub(*start))+" so far"
		default:
			st.Label, st.State, st.Duration = "done", "ok", buildDuration(stop.Sub(*start))
		}
		return st
	}
	queued := b.QueuedAt
	var steps []buildStep
	if b.Trigger == build.TriggerRollback {
		steps = append(steps, buildStep{Name: "Queue", Start: &queued, End: &queued, Label: "done", State: "ok", Duration: "0s"},
			buildStep{Name: "Build", Note: "skipped: a rollback re-uses the earlier build's artifact", Label: "skipped"})
	} else {
		queueEnd := b.StartedAt
		if queueEnd == nil && ended {
			queueEnd = end // cancelled while queued
		}
		steps = append(steps, step("Queue", "waiting for a free build slot", &queued, queueEnd))
		buildEnd := b.ReadyAt
		if buildEnd == nil && ended && b.StartedAt != nil {
			buildEnd = end // failed or cancelled while building
		}
		steps = append(steps, step("Build", "install and mastra build", b.StartedAt, buildEnd))
	}
	var deployEnd *time.Time
	if b.ReadyAt != nil {
		deployEnd = end
	}
	steps = append(steps, step("Deploy", "start the server until it is healthy and routed", b.ReadyAt, deployEnd))
	// The step that ended the build takes its outcome.
	if ended {
		for i := len(steps) - 1; i >= 0; i-- {
			if steps[i].Start != nil {
				if b.Status != build.StatusSucceeded {
					steps[i].Label, steps[i].State = string(b.Status), "error"
				}
				break
			}
		}
	}
	return steps
}

// buildDuration is d for a person: 850ms, 12s, 3m 07s, 1h 02m.
func buildDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// Total is the build's time from queued to ended (or until now).
func (d buildData) Total() string {
	end := time.Now()
	if d.Build.FinishedAt != nil {
		end = *d.Build.FinishedAt
	}
	s := buildDuration(end.Sub(d.Build.QueuedAt))
	if d.Build.FinishedAt == nil {
		s += " so far"
	}
	return s
}

// StatusClass is the badge class of the build's status.
func (d buildData) StatusClass() string {
	switch d.Build.Status {
	case build.StatusSucceeded:
		return "ok"
	case build.StatusFailed, build.StatusCancelled:
		return "error"
	default:
		return "warn"
	}
}
