package commands

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// OverviewReads reads many projects' deployments at once, with their
// health, for the overviews (a team's home, the platform's).
type OverviewReads interface {
	// AllProjects lists the live projects of live teams by team and slug.
	AllProjects(ctx context.Context) ([]project.View, error)
	// DeploymentsHealth lists the live deployments of live projects, of one team (nil: of every live team), by project and slug, with their routes' health and servers' status.
	DeploymentsHealth(ctx context.Context, teamID *uuid.UUID) ([]deployment.HealthView, error)
}

// ProjectOverview is a project with its deployments and their health.
type ProjectOverview struct {
	project.View
	Deployments []deployment.HealthView `json:"deployments"`
}

// TeamOverview is a team (with the caller's role) and its projects.
type TeamOverview struct {
	team.View
	Projects []ProjectOverview `json:"projects"`
}

// TeamOverview returns a team with its projects, their deployments and
// their health (team viewers and up), in a fixed number of reads however
// many projects the team has.
func (a *Admin) TeamOverview(ctx context.Context, p Principal, teamID uuid.UUID) (TeamOverview, error) {
	t, err := a.GetTeam(ctx, p, teamID)
	if err != nil {
		return TeamOverview{}, err
	}
	reads, err := a.overviewReads()
	if err != nil {
		return TeamOverview{}, err
	}
	projects, err := a.cfg.Reads.ProjectsOf(ctx, teamID)
	if err != nil {
		return TeamOverview{}, fmt.Errorf("list projects: %w", err)
	}
	deps, err := reads.DeploymentsHealth(ctx, &teamID)
	if err != nil {
		return TeamOverview{}, fmt.Errorf("list deployments: %w", err)
	}
	out := a.overview([]team.View{t}, projects, deps)
	return out[0], nil
}

// PlatformOverview returns every live team with its projects, their
// deployments and their health (platform admins), in three reads.
func (a *Admin) PlatformOverview(ctx context.Context, p Principal) ([]TeamOverview, error) {
	if !p.PlatformAdmin {
		return nil, domain.Errorf(domain.KindPermissionDenied, "the platform overview is for platform admins")
	}
	reads, err := a.overviewReads()
	if err != nil {
		return nil, err
	}
	teams, err := a.ListTeams(ctx, p)
	if err != nil {
		return nil, err
	}
	projects, err := reads.AllProjects(ctx)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	deps, err := reads.DeploymentsHealth(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("list deployments: %w", err)
	}
	return a.overview(teams, projects, deps), nil
}

func (a *Admin) overviewReads() (OverviewReads, error) {
	if a.cfg.Overview == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "overviews are not available in this process")
	}
	return a.cfg.Overview, nil
}

// overview nests deployments under their projects and projects under
// their teams, keeping each list's order; a project or deployment whose
// team is not listed (made between two reads) is left out. deps come by
// project (as DeploymentsHealth returns them): each project's are a
// sub-slice of deps, not a copy.
func (a *Admin) overview(teams []team.View, projects []project.View, deps []deployment.HealthView) []TeamOverview {
	publicURL := a.publicURLs()
	byProject := make(map[uuid.UUID][]deployment.HealthView, len(projects))
	for start := 0; start < len(deps); {
		end := start
		for end < len(deps) && deps[end].ProjectID == deps[start].ProjectID {
			deps[end].PublicURL = publicURL(deps[end].Subdomain)
			end++
		}
		pid := deps[start].ProjectID
		if prev, ok := byProject[pid]; ok { // not contiguous after all
			byProject[pid] = append(prev, deps[start:end]...)
		} else {
			byProject[pid] = deps[start:end:end]
		}
		start = end
	}
	byTeam := make(map[uuid.UUID][]ProjectOverview, len(teams))
	for _, pr := range projects {
		byTeam[pr.TeamID] = append(byTeam[pr.TeamID], ProjectOverview{View: pr, Deployments: nonNilSlice(byProject[pr.ID])})
	}
	out := make([]TeamOverview, len(teams))
	for i, t := range teams {
		out[i] = TeamOverview{View: t, Projects: nonNilSlice(byTeam[t.ID])}
	}
	return out
}

// publicURLs returns what deploymentView sets as a deployment's public
// URL, from its subdomain, parsing the proxy's URL once for many.
func (a *Admin) publicURLs() func(subdomain string) string {
	u, err := url.Parse(a.cfg.ProxyURL)
	if err != nil || u.Host == "" {
		return func(string) string { return "" }
	}
	const mark = "subdomain-mark"
	u.Host = mark + "." + u.Host
	s := u.String()
	i := strings.Index(s, mark)
	prefix, suffix := s[:i], s[i+len(mark):]
	return func(subdomain string) string { return prefix + subdomain + suffix }
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
