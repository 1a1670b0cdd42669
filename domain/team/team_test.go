package team_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

var (
	now   = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	id    = uuid.MustParse("0192f000-0000-7000-8000-000000000001")
	alice = uuid.MustParse("0192f000-0000-7000-8000-0000000000a1")
)

func given(t *testing.T, events ...domain.Event) team.Team {
	t.Helper()
	var s team.Team
	for _, e := range events {
		var err error
		s, err = team.Evolve(s, e)
		require.NoError(t, err)
	}
	return s
}

func s(v string) *string { return &v }

func TestTeamDecisions(t *testing.T) {
	t.Parallel()
	created := team.Created{TeamID: id, Name: "Acme", Slug: "acme", CreatedBy: alice, At: now}
	deleted := team.Deleted{TeamID: id, Slug: "acme", By: alice, At: now}
	cases := []struct {
		name    string
		given   []domain.Event
		when    func(team.Team) ([]domain.Event, error)
		then    []domain.Event
		wantErr error
	}{
		{"create", nil, team.Create{TeamID: id, Name: "Acme", Slug: "acme", CreatedBy: alice, At: now}.Decide,
			[]domain.Event{created}, nil},
		{"create twice", []domain.Event{created}, team.Create{TeamID: id, Name: "Acme", Slug: "acme", CreatedBy: alice, At: now}.Decide,
			nil, domain.ErrConflict},
		{"rename", []domain.Event{created}, team.Update{Name: s(" Acme Corp "), By: alice, At: now}.Decide,
			[]domain.Event{team.Renamed{TeamID: id, Name: "Acme Corp", By: alice, At: now}}, nil},
		{"same name is no change", []domain.Event{created}, team.Update{Name: s("Acme"), Slug: s("acme"), By: alice, At: now}.Decide,
			nil, nil},
		{"change slug", []domain.Event{created}, team.Update{Slug: s("acme-2"), By: alice, At: now}.Decide,
			[]domain.Event{team.SlugChanged{TeamID: id, OldSlug: "acme", Slug: "acme-2", By: alice, At: now}}, nil},
		{"bad slug", []domain.Event{created}, team.Update{Slug: s("ACME"), By: alice, At: now}.Decide, nil, domain.ErrInvalid},
		{"update deleted", []domain.Event{created, deleted}, team.Update{Name: s("x"), By: alice, At: now}.Decide, nil, domain.ErrNotFound},
		{"delete", []domain.Event{created}, team.Delete{By: alice, At: now}.Decide, []domain.Event{deleted}, nil},
		{"delete twice", []domain.Event{created, deleted}, team.Delete{By: alice, At: now}.Decide, nil, domain.ErrNotFound},
		{"delete unknown", nil, team.Delete{By: alice, At: now}.Decide, nil, domain.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.when(given(t, c.given...))
			if c.wantErr != nil {
				assert.ErrorIs(t, err, c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.then, got)
		})
	}
}

func TestCreatorIsOwner(t *testing.T) {
	t.Parallel()
	s := given(t, team.Created{TeamID: id, Name: "Acme", Slug: "acme", CreatedBy: alice, At: now})
	assert.Equal(t, map[uuid.UUID]domain.Role{alice: domain.RoleOwner}, s.Members)
}

func TestEvolveRejectsUnknownEvents(t *testing.T) {
	t.Parallel()
	_, err := team.Evolve(team.Team{}, foreign{})
	assert.ErrorIs(t, err, domain.ErrUnknownEvent)
}

type foreign struct{}

func (foreign) EventType() string { return "other.Thing" }
