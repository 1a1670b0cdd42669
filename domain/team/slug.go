package team

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// SlugClaim is the state of one slug's stream.
type SlugClaim struct {
	Slug   string
	Holder uuid.UUID // uuid.Nil when free
}

// EvolveClaim returns c with e applied.
func EvolveClaim(c SlugClaim, e domain.Event) (SlugClaim, error) {
	switch e := e.(type) {
	case SlugClaimed:
		c.Slug, c.Holder = e.Slug, e.TeamID
	case SlugReleased:
		c.Holder = uuid.Nil
	default:
		return c, fmt.Errorf("team slug: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return c, nil
}

// Claim decides whether team may take the slug.
func (c SlugClaim) Claim(slug string, team uuid.UUID, at time.Time) ([]domain.Event, error) {
	if c.Holder != uuid.Nil && c.Holder != team {
		return nil, domain.Errorf(domain.KindConflict, "team slug %q is taken", slug)
	}
	if c.Holder == team {
		return nil, nil
	}
	return []domain.Event{SlugClaimed{Slug: slug, TeamID: team, At: at}}, nil
}

// Release lets the holder give the slug back.
func (c SlugClaim) Release(slug string, team uuid.UUID, at time.Time) ([]domain.Event, error) {
	if c.Holder != team {
		return nil, nil
	}
	return []domain.Event{SlugReleased{Slug: slug, TeamID: team, At: at}}, nil
}
