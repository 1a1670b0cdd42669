package project

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Subdomain bases. Every deployment subdomain is built from its project's
// base ("<base>" for production, "<deployment-slug>--<base>" for the
// others), and a base is reserved for one team: a claim in BaseScope owned
// by the team. The first team to create a project with a slug reserves it
// as a base; the project of another team with that slug gets
// "<slug>-<team-slug>", or that with a suffix from its ID when even that is
// held. The reservation stays with the team until the team is deleted or a
// platform admin transfers it, so a deleted project's URLs are never served
// by another team's server. One live project uses a base at a time: a
// claim in BaseUseScope owned by the project.

// BaseScope holds one claim per reserved subdomain base, owned by the team.
const BaseScope = "subdomain-base"

// BaseUseScope holds one claim per base a live project uses, owned by the
// project.
const BaseUseScope = "subdomain-base-project"

// BaseStreamID is the stream of a base's transfers.
func BaseStreamID(base string) string { return "subdomain-base-" + base }

// BaseOf is the subdomain base recorded in an event, or, for events
// recorded before bases existed, the project's slug.
func BaseOf(base, slug string) string {
	if base != "" {
		return base
	}
	return slug
}

// BaseCandidates lists, in order of preference, the bases a new project of
// the team with teamSlug may get: its slug, "<slug>-<team-slug>", and that
// (shortened) with the first 8 hex digits of the project's ID. Each is a
// valid slug, at most domain.MaxSlugLen long.
func BaseCandidates(slug, teamSlug string, id uuid.UUID) []string {
	withTeam := fit(slug+"-"+teamSlug, domain.MaxSlugLen)
	suffix := strings.ReplaceAll(id.String(), "-", "")[:8]
	out := []string{slug}
	for _, c := range []string{withTeam, fit(slug+"-"+teamSlug, domain.MaxSlugLen-len(suffix)-1) + "-" + suffix} {
		if c != out[len(out)-1] {
			out = append(out, c)
		}
	}
	return out
}

// fit cuts s to n bytes without a trailing hyphen.
func fit(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.TrimRight(s, "-")
}

// SubdomainBaseChanged is recorded when a project moves to another base:
// when a platform admin transfers its base to another team.
type SubdomainBaseChanged struct {
	ProjectID     uuid.UUID `json:"projectId"`
	TeamID        uuid.UUID `json:"teamId"`
	OldBase       string    `json:"oldSubdomainBase"`
	SubdomainBase string    `json:"subdomainBase"`
	By            uuid.UUID `json:"by"`
	At            time.Time `json:"at"`
}

// SubdomainBaseTransferred is recorded, on the base's stream, when a
// platform admin moves a base to another team (FromTeam is the nil UUID
// when no team held it). Project, when not nil, is a live project of
// ToTeam whose base this already is (one recorded before bases were
// reserved) and that now uses it.
type SubdomainBaseTransferred struct {
	Base     string    `json:"base"`
	FromTeam uuid.UUID `json:"fromTeamId"`
	ToTeam   uuid.UUID `json:"teamId"`
	Project  uuid.UUID `json:"projectId"`
	By       uuid.UUID `json:"by"`
	At       time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeSubdomainBaseChanged     = "project.SubdomainBaseChanged"
	TypeSubdomainBaseTransferred = "project.SubdomainBaseTransferred"
)

// EventType implements domain.Event.
func (SubdomainBaseChanged) EventType() string { return TypeSubdomainBaseChanged }

// EventType implements domain.Event.
func (SubdomainBaseTransferred) EventType() string { return TypeSubdomainBaseTransferred }

// BaseHolding is what the command knows of a base before a transfer.
type BaseHolding struct {
	Holder          uuid.UUID // the team holding it; nil: none
	LiveDeployments int       // deployments whose subdomain is under it
}

// TransferBase is the command to move a base to another team.
type TransferBase struct {
	Base    string
	To      uuid.UUID
	ToLive  bool      // the receiving team exists and is not deleted
	Project uuid.UUID // a live project of To whose base this is and that uses none; nil: none
	By      uuid.UUID
	At      time.Time
}

// Decide validates the transfer against the base's holding.
func (cmd TransferBase) Decide(h BaseHolding) ([]domain.Event, error) {
	if err := domain.ValidateSlug("subdomain base", cmd.Base); err != nil {
		return nil, err
	}
	if !cmd.ToLive {
		return nil, domain.Errorf(domain.KindNotFound, "team %s not found", cmd.To)
	}
	if h.Holder == cmd.To {
		return nil, domain.Errorf(domain.KindConflict, "subdomain base %q is already reserved for team %s", cmd.Base, cmd.To)
	}
	if h.LiveDeployments > 0 {
		return nil, domain.Errorf(domain.KindConflict,
			"subdomain base %q still serves %d live deployment(s) of team %s; delete them before transferring the base",
			cmd.Base, h.LiveDeployments, h.Holder)
	}
	return []domain.Event{SubdomainBaseTransferred{Base: cmd.Base, FromTeam: h.Holder, ToTeam: cmd.To, Project: cmd.Project,
		By: cmd.By, At: cmd.At}}, nil
}

// Rebase is the command to move a project onto another base.
type Rebase struct {
	Base string
	By   uuid.UUID
	At   time.Time
}

// Decide returns the change.
func (cmd Rebase) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	if err := domain.ValidateSlug("subdomain base", cmd.Base); err != nil {
		return nil, err
	}
	if cmd.Base == p.SubdomainBase {
		return nil, nil
	}
	return []domain.Event{SubdomainBaseChanged{ProjectID: p.ID, TeamID: p.TeamID, OldBase: p.SubdomainBase,
		SubdomainBase: cmd.Base, By: cmd.By, At: cmd.At}}, nil
}
