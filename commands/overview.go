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

// OverviewReads reads many deployments' health at once: one by one for a
// team's home (DeploymentsHealth), counted for the platform summary
// (HealthGroups, ProjectCounts, MaybeUnhealthy).
type OverviewReads interface {
	// DeploymentsHealth lists the live deployments of live projects, of one team (nil: of every live team), by project and slug, with their routes' health and servers' status.
	DeploymentsHealth(ctx context.Context, teamID *uuid.UUID) ([]deployment.HealthView, error)
	// HealthGroups counts live deployments by team and health facts.
	HealthGroups(ctx context.Context) ([]deployment.HealthGroup, error)
	// ProjectCounts counts each live team's live projects.
	ProjectCounts(ctx context.Context) (map[uuid.UUID]int, error)
	// MaybeUnhealthy lists up to limit deployments that may be unhealthy, newest change first.
	MaybeUnhealthy(ctx context.Context, limit int) ([]deployment.HealthView, error)
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

// TeamSummary is a team of the platform overview: how many projects and
// deployments it has, and its deployments by health.
type TeamSummary struct {
	team.View
	Projects    int            `json:"projects"`
	Deployments int            `json:"deployments"`
	ByHealth    map[string]int `json:"byHealth"`
}

// Attention is an unhealthy deployment with its team and project.
type Attention struct {
	deployment.HealthView
	TeamName    string `json:"teamName"`
	ProjectName string `json:"projectName"`
}

// PlatformSummary is the platform overview: every team with its counts,
// the totals, and the unhealthy deployments (the newest changes first,
// at most the limit asked for; AttentionMore says whether there are more).
type PlatformSummary struct {
	Teams         []TeamSummary  `json:"teams"`
	Projects      int            `json:"projects"`
	Deployments   int            `json:"deployments"`
	ByHealth      map[string]int `json:"byHealth"`
	Attention     []Attention    `json:"attention"`
	AttentionMore bool           `json:"attentionMore"`
}

// PlatformSummary returns every live team's project and deployment counts
// and health, and up to limit unhealthy deployments (platform admins), in
// a fixed number of small reads however many deployments there are.
func (a *Admin) PlatformSummary(ctx context.Context, p Principal, limit int) (PlatformSummary, error) {
	if !p.PlatformAdmin {
		return PlatformSummary{}, domain.Errorf(domain.KindPermissionDenied, "the platform overview is for platform admins")
	}
	reads, err := a.overviewReads()
	if err != nil {
		return PlatformSummary{}, err
	}
	teams, err := a.ListTeams(ctx, p)
	if err != nil {
		return PlatformSummary{}, err
	}
	projects, err := reads.ProjectCounts(ctx)
	if err != nil {
		return PlatformSummary{}, fmt.Errorf("count projects: %w", err)
	}
	groups, err := reads.HealthGroups(ctx)
	if err != nil {
		return PlatformSummary{}, fmt.Errorf("count deployments: %w", err)
	}
	out := PlatformSummary{Teams: make([]TeamSummary, len(teams)), ByHealth: map[string]int{}}
	index := make(map[uuid.UUID]int, len(teams))
	for i, t := range teams {
		index[t.ID] = i
		out.Teams[i] = TeamSummary{View: t, Projects: projects[t.ID], ByHealth: map[string]int{}}
		out.Projects += projects[t.ID]
	}
	for _, g := range groups {
		i, ok := index[g.TeamID]
		if !ok {
			continue // made between two reads
		}
		h := g.Health()
		out.Teams[i].ByHealth[h] += g.Count
		out.Teams[i].Deployments += g.Count
		out.ByHealth[h] += g.Count
		out.Deployments += g.Count
	}
	maybe, err := reads.MaybeUnhealthy(ctx, limit+1)
	if err != nil {
		return PlatformSummary{}, fmt.Errorf("list unhealthy deployments: %w", err)
	}
	if len(maybe) > limit {
		maybe, out.AttentionMore = maybe[:limit], true
	}
	names, err := a.projectNames(ctx, maybe)
	if err != nil {
		return PlatformSummary{}, err
	}
	publicURL := a.publicURLs()
	for _, d := range maybe {
		if d.Health() != deployment.HealthUnhealthy {
			continue
		}
		i, ok := index[d.TeamID]
		if !ok {
			continue
		}
		d.PublicURL = publicURL(d.Subdomain)
		out.Attention = append(out.Attention, Attention{HealthView: d, TeamName: out.Teams[i].Name, ProjectName: names[d.ProjectID]})
	}
	return out, nil
}

// projectNames returns the names of the projects of deps.
func (a *Admin) projectNames(ctx context.Context, deps []deployment.HealthView) (map[uuid.UUID]string, error) {
	names := map[uuid.UUID]string{}
	for _, d := range deps {
		if _, ok := names[d.ProjectID]; ok {
			continue
		}
		pr, ok, err := a.cfg.Reads.Project(ctx, d.ProjectID)
		if err != nil {
			return nil, fmt.Errorf("read project: %w", err)
		}
		if ok {
			names[d.ProjectID] = pr.Name
		}
	}
	return names, nil
}
