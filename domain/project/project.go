package project

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Project is the state of one project, folded from its events.
type Project struct {
	ID            uuid.UUID
	TeamID        uuid.UUID
	Name          string
	Slug          string
	SubdomainBase string // the base of its deployments' subdomains
	DefaultBranch string
	SourceType    string
	SourceConfig  json.RawMessage
	Env           map[string]bool // names of the set env vars
	// AllowedEnvNames are the guarded env var names (see CheckEnvName) a
	// platform admin allows for the project, sorted; nil: none.
	AllowedEnvNames []string
	Exists          bool
	Deleted         bool
}

// Evolve returns p with e applied.
func Evolve(p Project, e domain.Event) (Project, error) {
	switch e := e.(type) {
	case Created:
		p = Project{ID: e.ProjectID, TeamID: e.TeamID, Name: e.Name, Slug: e.Slug, SubdomainBase: e.Base(),
			DefaultBranch: e.DefaultBranch, SourceType: e.SourceType, SourceConfig: e.SourceConfig, Env: map[string]bool{}, Exists: true}
	case EnvVarSet:
		p.Env[e.Key] = true
	case EnvVarRemoved:
		delete(p.Env, e.Key)
	case EnvNamesAllowed:
		p.AllowedEnvNames = slices.Clone(e.Names)
		if len(p.AllowedEnvNames) == 0 {
			p.AllowedEnvNames = nil
		}
	case Renamed:
		p.Name = e.Name
	case DefaultBranchChanged:
		p.DefaultBranch = e.DefaultBranch
	case Deleted:
		p.Deleted = true
	default:
		return p, fmt.Errorf("project: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return p, nil
}

// Live reports whether the project exists and is not deleted.
func (p Project) Live() bool { return p.Exists && !p.Deleted }

var branchPattern = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,100}$`)

// ValidateBranch checks a git branch name (a safe subset).
func ValidateBranch(b string) error {
	if !branchPattern.MatchString(b) || b[0] == '-' || b[0] == '/' {
		return domain.Errorf(domain.KindInvalid, "branch %q: use letters, digits, '.', '_', '-' and '/'", b)
	}
	return nil
}

// Create is the command to create a project; SourceConfig was validated by
// the source provider.
type Create struct {
	ProjectID     uuid.UUID
	TeamID        uuid.UUID
	Name          string
	Slug          string // empty: derived from Name
	SourceType    string
	SourceConfig  json.RawMessage
	DefaultBranch string // empty: main
	SubdomainBase string // empty: the slug; see BaseCandidates
	By            uuid.UUID
	At            time.Time
}

// Decide validates cmd and returns the creation.
func (cmd Create) Decide(p Project) ([]domain.Event, error) {
	if p.Exists {
		return nil, domain.Errorf(domain.KindConflict, "project %s already exists", cmd.ProjectID)
	}
	name, err := domain.ValidateName("project", cmd.Name)
	if err != nil {
		return nil, err
	}
	slug := cmd.Slug
	if slug == "" {
		if slug = domain.Slugify(name); slug == "" {
			return nil, domain.Errorf(domain.KindInvalid, "project name %q gives no slug; pass one", name)
		}
	}
	if err := domain.ValidateSlug("project", slug); err != nil {
		return nil, err
	}
	branch := cmd.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	if err := ValidateBranch(branch); err != nil {
		return nil, err
	}
	base := BaseOf(cmd.SubdomainBase, slug)
	if err := domain.ValidateSlug("subdomain base", base); err != nil {
		return nil, err
	}
	return []domain.Event{Created{ProjectID: cmd.ProjectID, TeamID: cmd.TeamID, Name: name, Slug: slug, SourceType: cmd.SourceType,
		SourceConfig: cmd.SourceConfig, DefaultBranch: branch, SubdomainBase: base, By: cmd.By, At: cmd.At}}, nil
}

// Update is the command to rename a project or change its default branch.
type Update struct {
	Name          *string
	DefaultBranch *string
	By            uuid.UUID
	At            time.Time
}

// Decide returns the changes; none when nothing changes.
func (cmd Update) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	var out []domain.Event
	if cmd.Name != nil {
		name, err := domain.ValidateName("project", *cmd.Name)
		if err != nil {
			return nil, err
		}
		if name != p.Name {
			out = append(out, Renamed{ProjectID: p.ID, TeamID: p.TeamID, Name: name, By: cmd.By, At: cmd.At})
		}
	}
	if cmd.DefaultBranch != nil && *cmd.DefaultBranch != p.DefaultBranch {
		if err := ValidateBranch(*cmd.DefaultBranch); err != nil {
			return nil, err
		}
		out = append(out, DefaultBranchChanged{ProjectID: p.ID, TeamID: p.TeamID, DefaultBranch: *cmd.DefaultBranch, By: cmd.By, At: cmd.At})
	}
	return out, nil
}

// Delete is the command to delete a project.
type Delete struct {
	Reason string // empty, or ReasonTeamDeleted
	By     uuid.UUID
	At     time.Time
}

// Decide returns the deletion.
func (cmd Delete) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	return []domain.Event{Deleted{ProjectID: p.ID, TeamID: p.TeamID, Slug: p.Slug, SubdomainBase: p.SubdomainBase, Reason: cmd.Reason, By: cmd.By, At: cmd.At}}, nil
}
