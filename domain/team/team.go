package team

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Team is the state of one team, folded from its events.
type Team struct {
	ID      uuid.UUID
	Name    string
	Slug    string
	Members map[uuid.UUID]domain.Role
	Invites map[uuid.UUID]Invite
	Exists  bool
	Deleted bool
}

// Evolve returns t with e applied.
func Evolve(t Team, e domain.Event) (Team, error) {
	switch e := e.(type) {
	case Created:
		t = Team{ID: e.TeamID, Name: e.Name, Slug: e.Slug, Exists: true,
			Members: map[uuid.UUID]domain.Role{e.CreatedBy: domain.RoleOwner}, Invites: map[uuid.UUID]Invite{}}
	case Renamed:
		t.Name = e.Name
	case SlugChanged:
		t.Slug = e.Slug
	case Deleted:
		t.Deleted = true
	case MemberAdded:
		t.Members[e.UserID] = e.Role
	case InviteCreated:
		t.Invites[e.InviteID] = Invite{ID: e.InviteID, Email: e.Email, Role: e.Role, TokenHash: e.TokenHash, ExpiresAt: e.ExpiresAt}
	case InviteAccepted:
		i := t.Invites[e.InviteID]
		i.Accepted = true
		t.Invites[e.InviteID] = i
	case InviteRevoked:
		i := t.Invites[e.InviteID]
		i.Revoked = true
		t.Invites[e.InviteID] = i
	case MemberRoleChanged:
		t.Members[e.UserID] = e.Role
	case MemberRemoved:
		delete(t.Members, e.UserID)
	default:
		return t, fmt.Errorf("team: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return t, nil
}

// Live reports whether the team exists and is not deleted.
func (t Team) Live() bool { return t.Exists && !t.Deleted }

// Create is the command to create a team; the creator becomes its owner.
type Create struct {
	TeamID    uuid.UUID
	Name      string
	Slug      string // empty: derived from Name
	CreatedBy uuid.UUID
	At        time.Time
}

// Normalize validates cmd and fills in a missing slug.
func (cmd Create) Normalize() (Create, error) {
	name, err := domain.ValidateName("team", cmd.Name)
	if err != nil {
		return cmd, err
	}
	cmd.Name = name
	if cmd.Slug == "" {
		cmd.Slug = domain.Slugify(name)
		if cmd.Slug == "" {
			return cmd, domain.Errorf(domain.KindInvalid, "team name %q gives no slug; pass one", name)
		}
	}
	return cmd, domain.ValidateSlug("team", cmd.Slug)
}

// Decide returns the event that creates the team (and makes its creator
// the owner) from an empty stream.
func (cmd Create) Decide(t Team) ([]domain.Event, error) {
	if t.Exists {
		return nil, domain.Errorf(domain.KindConflict, "team %s already exists", cmd.TeamID)
	}
	return []domain.Event{
		Created{TeamID: cmd.TeamID, Name: cmd.Name, Slug: cmd.Slug, CreatedBy: cmd.CreatedBy, At: cmd.At},
	}, nil
}

// Update is the command to rename a team or change its slug.
type Update struct {
	Name *string
	Slug *string
	By   uuid.UUID
	At   time.Time
}

// Decide returns the events of an update; none when nothing changes.
func (cmd Update) Decide(t Team) ([]domain.Event, error) {
	if !t.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "team %s not found", t.ID)
	}
	var out []domain.Event
	if cmd.Name != nil {
		name, err := domain.ValidateName("team", *cmd.Name)
		if err != nil {
			return nil, err
		}
		if name != t.Name {
			out = append(out, Renamed{TeamID: t.ID, Name: name, By: cmd.By, At: cmd.At})
		}
	}
	if cmd.Slug != nil && *cmd.Slug != t.Slug {
		if err := domain.ValidateSlug("team", *cmd.Slug); err != nil {
			return nil, err
		}
		out = append(out, SlugChanged{TeamID: t.ID, OldSlug: t.Slug, Slug: *cmd.Slug, By: cmd.By, At: cmd.At})
	}
	return out, nil
}

// Delete is the command to delete a team.
type Delete struct {
	By uuid.UUID
	At time.Time
}

// Decide returns the deletion event.
func (cmd Delete) Decide(t Team) ([]domain.Event, error) {
	if !t.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "team %s not found", t.ID)
	}
	return []domain.Event{Deleted{TeamID: t.ID, Slug: t.Slug, By: cmd.By, At: cmd.At}}, nil
}
