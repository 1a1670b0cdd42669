package deployment

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// Type is what a deployment is for.
type Type string

// The deployment types.
const (
	Production Type = "production"
	Staging    Type = "staging"
	Preview    Type = "preview"
)

// Status is where a deployment stands: pending until its first build,
// then moved on by its builds and servers (serving.go).
type Status string

// StatusPending is a deployment that has never been built.
const StatusPending Status = "pending"

// Deployment is the state of one deployment, folded from its events.
type Deployment struct {
	ID        uuid.UUID
	ProjectID uuid.UUID
	TeamID    uuid.UUID
	Type      Type
	Branch    string
	Slug      string
	Subdomain string
	Env       map[string]bool // names of the overridden env vars
	Serving   Serving
	Exists    bool
	Deleted   bool
}

// Evolve returns d with e applied.
func Evolve(d Deployment, e domain.Event) (Deployment, error) {
	switch e := e.(type) {
	case Created:
		d = Deployment{ID: e.DeploymentID, ProjectID: e.ProjectID, TeamID: e.TeamID, Type: e.Type, Branch: e.Branch, Slug: e.Slug,
			Subdomain: e.Subdomain, Env: map[string]bool{}, Exists: true}
	case Deleted:
		d.Deleted = true
	case EnvOverrideSet:
		d.Env[e.Key] = true
	case EnvOverrideRemoved:
		delete(d.Env, e.Key)
	default:
		if d, ok := evolveServing(d, e); ok {
			return d, nil
		}
		return d, fmt.Errorf("deployment: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return d, nil
}

// Live reports whether the deployment exists and is not deleted.
func (d Deployment) Live() bool { return d.Exists && !d.Deleted }

// Create is the command to create a deployment of a live project.
type Create struct {
	DeploymentID uuid.UUID
	Project      project.Project
	Type         Type
	Branch       string // empty: the project's default branch
	Slug         string // empty: production, staging, or from the branch for previews
	ExpiresAt    *time.Time
	By           uuid.UUID
	At           time.Time
}

// Decide validates cmd and returns the creation.
func (cmd Create) Decide(d Deployment) ([]domain.Event, error) {
	if d.Exists {
		return nil, domain.Errorf(domain.KindConflict, "deployment %s already exists", cmd.DeploymentID)
	}
	if !cmd.Project.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", cmd.Project.ID)
	}
	switch cmd.Type {
	case Production, Staging, Preview:
	default:
		return nil, domain.Errorf(domain.KindInvalid, "deployment type %q: use production, staging or preview", cmd.Type)
	}
	branch := cmd.Branch
	if branch == "" {
		branch = cmd.Project.DefaultBranch
	}
	if err := project.ValidateBranch(branch); err != nil {
		return nil, err
	}
	slug := cmd.Slug
	if slug == "" {
		slug = string(cmd.Type)
		if cmd.Type == Preview {
			if slug = domain.Slugify(branch); slug == "" {
				return nil, domain.Errorf(domain.KindInvalid, "branch %q gives no slug; pass one", branch)
			}
		}
	}
	if err := domain.ValidateSlug("deployment", slug); err != nil {
		return nil, err
	}
	sub := Subdomain(cmd.Type, slug, project.BaseOf(cmd.Project.SubdomainBase, cmd.Project.Slug))
	if len(sub) > 63 {
		return nil, domain.Errorf(domain.KindInvalid, "subdomain %q is longer than a DNS label (63); use a shorter slug", sub)
	}
	if cmd.ExpiresAt != nil {
		if cmd.Type != Preview {
			return nil, domain.Errorf(domain.KindInvalid, "only preview deployments expire; %s ones do not", cmd.Type)
		}
		if !cmd.ExpiresAt.After(cmd.At) {
			return nil, domain.Errorf(domain.KindInvalid, "expiresAt %s is not in the future", cmd.ExpiresAt.Format(time.RFC3339))
		}
		at := cmd.ExpiresAt.UTC()
		cmd.ExpiresAt = &at
	}
	return []domain.Event{Created{DeploymentID: cmd.DeploymentID, ProjectID: cmd.Project.ID, TeamID: cmd.Project.TeamID,
		Type: cmd.Type, Branch: branch, Slug: slug, Subdomain: sub, ExpiresAt: cmd.ExpiresAt, By: cmd.By, At: cmd.At}}, nil
}

// Delete is the command to delete a deployment.
type Delete struct {
	Reason string // empty, or ReasonExpired
	By     uuid.UUID
	At     time.Time
}

// Decide returns the deletion.
func (cmd Delete) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	return []domain.Event{Deleted{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Type: d.Type, Slug: d.Slug,
		Subdomain: d.Subdomain, Reason: cmd.Reason, By: cmd.By, At: cmd.At}}, nil
}

// SetEnv is the command to override an env var with a value the caller
// sealed.
type SetEnv struct {
	Key        string
	Secret     bool
	Nonce      []byte
	Ciphertext []byte
	By         uuid.UUID
	At         time.Time
}

// Decide returns the override.
func (cmd SetEnv) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	return []domain.Event{EnvOverrideSet{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Key: cmd.Key,
		Secret: cmd.Secret, Nonce: cmd.Nonce, Ciphertext: cmd.Ciphertext, By: cmd.By, At: cmd.At}}, nil
}

// RemoveEnv is the command to remove an override.
type RemoveEnv struct {
	Key string
	By  uuid.UUID
	At  time.Time
}

// Decide returns the removal.
func (cmd RemoveEnv) Decide(d Deployment) ([]domain.Event, error) {
	if !d.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "deployment %s not found", d.ID)
	}
	if !d.Env[cmd.Key] {
		return nil, domain.Errorf(domain.KindNotFound, "env override %s not found", cmd.Key)
	}
	return []domain.Event{EnvOverrideRemoved{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Key: cmd.Key,
		By: cmd.By, At: cmd.At}}, nil
}

// Subdomain is the edge router's name for a deployment of the project
// with subdomain base base: the base for production, else
// "<deployment-slug>--<base>".
func Subdomain(t Type, slug, base string) string {
	if t == Production {
		return base
	}
	return slug + "--" + base
}
