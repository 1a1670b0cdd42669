package project

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Subdomain bases. Every deployment subdomain is built from its project's
// base ("<base>" for production, "<deployment-slug>--<base>" for the
// others), and a base belongs to one team. The first team to create a
// project with a slug reserves it as a base; the project of another team
// with that slug gets "<slug>-<team-slug>", or that with a suffix from its
// ID when even that is held. A base is one claim in BaseScope, owned by
// the live project that uses it, or by its team when none does: a deleted
// project gives its base back to its team, so its URLs are never served by
// another team's server. The team keeps it until the team is deleted or a
// platform admin transfers it.

// BaseScope holds one claim per subdomain base, owned by the project that
// uses it or, when no live project does, by the team that reserves it.
const BaseScope = "subdomain-base"

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

// SubdomainBaseTransferred is recorded, on the base's stream, when a
// platform admin gives a base to another team (FromTeam is the nil UUID
// when no team held it). Its teamId is the receiving team's, so the audit
// log shows it to that team.
type SubdomainBaseTransferred struct {
	Base     string    `json:"base"`
	FromTeam uuid.UUID `json:"fromTeamId"`
	ToTeam   uuid.UUID `json:"teamId"`
	By       uuid.UUID `json:"by"`
	At       time.Time `json:"at"`
}

// TypeSubdomainBaseTransferred is the type of SubdomainBaseTransferred.
// Never change a released one.
const TypeSubdomainBaseTransferred = "project.SubdomainBaseTransferred"

// EventType implements domain.Event.
func (SubdomainBaseTransferred) EventType() string { return TypeSubdomainBaseTransferred }

// BaseHolding is what the command knows of a base before a transfer.
type BaseHolding struct {
	Team            uuid.UUID // the team reserving it; nil: none
	Project         uuid.UUID // the live project using it; nil: none
	LiveDeployments int       // deployments whose subdomain is under it
}

// TransferBase is the command to give a base to another team.
type TransferBase struct {
	Base   string
	To     uuid.UUID
	ToLive bool // the receiving team exists and is not deleted
	By     uuid.UUID
	At     time.Time
}

// Decide validates the transfer against the base's holding. A base in use
// by a live project, or under which deployments still live, is not
// transferred: their URLs would change hands while they serve.
func (cmd TransferBase) Decide(h BaseHolding) ([]domain.Event, error) {
	if err := domain.ValidateSlug("subdomain base", cmd.Base); err != nil {
		return nil, err
	}
	if !cmd.ToLive {
		return nil, domain.Errorf(domain.KindNotFound, "team %s not found", cmd.To)
	}
	switch {
	case h.Project != uuid.Nil:
		return nil, domain.Errorf(domain.KindConflict,
			"subdomain base %q is used by project %s; delete that project before transferring the base", cmd.Base, h.Project)
	case h.LiveDeployments > 0:
		return nil, domain.Errorf(domain.KindConflict,
			"subdomain base %q still has %d live deployment(s); delete them before transferring the base", cmd.Base, h.LiveDeployments)
	case h.Team == cmd.To:
		return nil, domain.Errorf(domain.KindConflict, "subdomain base %q is already reserved for team %s", cmd.Base, cmd.To)
	}
	return []domain.Event{SubdomainBaseTransferred{Base: cmd.Base, FromTeam: h.Team, ToTeam: cmd.To, By: cmd.By, At: cmd.At}}, nil
}
