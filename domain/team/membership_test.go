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
	bob    = uuid.MustParse("0192f000-0000-7000-8000-0000000000b0")
	carol  = uuid.MustParse("0192f000-0000-7000-8000-0000000000c0")
	invite = uuid.MustParse("0192f000-0000-7000-8000-0000000000d0")
)

func TestMembershipDecisions(t *testing.T) {
	t.Parallel()
	created := team.Created{TeamID: id, Name: "Acme", Slug: "acme", CreatedBy: alice, At: now}
	invited := team.InviteCreated{InviteID: invite, TeamID: id, Email: "bob@example.com", Role: domain.RoleDeveloper,
		TokenHash: "h", ExpiresAt: now.Add(team.InviteTTL), By: alice, At: now}
	bobJoined := team.MemberAdded{TeamID: id, UserID: bob, Role: domain.RoleAdmin, By: bob, At: now}
	carolOwner := team.MemberAdded{TeamID: id, UserID: carol, Role: domain.RoleOwner, By: alice, At: now}
	later := now.Add(time.Hour)
	cases := []struct {
		name    string
		given   []domain.Event
		when    func(team.Team) ([]domain.Event, error)
		then    []domain.Event
		wantErr error
	}{
		{"owner invites", []domain.Event{created}, team.InviteMember{InviteID: invite, Email: "bob@example.com", Role: domain.RoleDeveloper,
			TokenHash: "h", ExpiresAt: now.Add(team.InviteTTL), By: alice, ByRole: domain.RoleOwner, At: now}.Decide, []domain.Event{invited}, nil},
		{"admin may not invite an owner", []domain.Event{created}, team.InviteMember{InviteID: invite, Email: "x@example.com",
			Role: domain.RoleOwner, ExpiresAt: later, By: bob, ByRole: domain.RoleAdmin, At: now}.Decide, nil, domain.ErrPermissionDenied},
		{"member invited again", []domain.Event{created, bobJoined}, team.InviteMember{InviteID: invite, Email: "bob@example.com",
			ExistingUser: bob, Role: domain.RoleViewer, ExpiresAt: later, By: alice, ByRole: domain.RoleOwner, At: now}.Decide, nil, domain.ErrConflict},
		{"pending invite twice", []domain.Event{created, invited}, team.InviteMember{InviteID: uuid.New(), Email: "BOB@example.com",
			Role: domain.RoleViewer, ExpiresAt: later, By: alice, ByRole: domain.RoleOwner, At: now}.Decide, nil, domain.ErrConflict},
		{"accept", []domain.Event{created, invited}, team.AcceptInvite{InviteID: invite, UserID: bob, UserEmail: "bob@example.com", At: later}.Decide,
			[]domain.Event{team.InviteAccepted{InviteID: invite, TeamID: id, UserID: bob, At: later},
				team.MemberAdded{TeamID: id, UserID: bob, Role: domain.RoleDeveloper, By: bob, At: later}}, nil},
		{"accept as someone else", []domain.Event{created, invited}, team.AcceptInvite{InviteID: invite, UserID: carol,
			UserEmail: "carol@example.com", At: later}.Decide, nil, domain.ErrPermissionDenied},
		{"accept expired", []domain.Event{created, invited}, team.AcceptInvite{InviteID: invite, UserID: bob,
			UserEmail: "bob@example.com", At: now.Add(team.InviteTTL)}.Decide, nil, domain.ErrConflict},
		{"accept revoked", []domain.Event{created, invited, team.InviteRevoked{InviteID: invite, TeamID: id, By: alice, At: now}},
			team.AcceptInvite{InviteID: invite, UserID: bob, UserEmail: "bob@example.com", At: later}.Decide, nil, domain.ErrConflict},
		{"accept twice", []domain.Event{created, invited, team.InviteAccepted{InviteID: invite, TeamID: id, UserID: bob, At: later}},
			team.AcceptInvite{InviteID: invite, UserID: bob, UserEmail: "bob@example.com", At: later}.Decide, nil, domain.ErrConflict},
		{"revoke", []domain.Event{created, invited}, team.RevokeInvite{InviteID: invite, By: alice, ByRole: domain.RoleOwner, At: later}.Decide,
			[]domain.Event{team.InviteRevoked{InviteID: invite, TeamID: id, By: alice, At: later}}, nil},
		{"admin revokes a developer's invite", []domain.Event{created, invited, bobJoined}, team.RevokeInvite{InviteID: invite, By: bob,
			ByRole: domain.RoleAdmin, At: later}.Decide, []domain.Event{team.InviteRevoked{InviteID: invite, TeamID: id, By: bob, At: later}}, nil},
		{"admin may not revoke an owner's invite", []domain.Event{created, bobJoined, team.InviteCreated{InviteID: invite, TeamID: id,
			Email: "dan@example.com", Role: domain.RoleOwner, TokenHash: "h", ExpiresAt: now.Add(team.InviteTTL), By: alice, At: now}},
			team.RevokeInvite{InviteID: invite, By: bob, ByRole: domain.RoleAdmin, At: later}.Decide, nil, domain.ErrPermissionDenied},
		{"revoke unknown", []domain.Event{created}, team.RevokeInvite{InviteID: invite, By: alice, ByRole: domain.RoleOwner, At: later}.Decide, nil, domain.ErrNotFound},
		{"promote", []domain.Event{created, bobJoined}, team.ChangeRole{UserID: bob, Role: domain.RoleOwner, By: alice, ByRole: domain.RoleOwner, At: later}.Decide,
			[]domain.Event{team.MemberRoleChanged{TeamID: id, UserID: bob, OldRole: domain.RoleAdmin, Role: domain.RoleOwner, By: alice, At: later}}, nil},
		{"admin may not make owners", []domain.Event{created, bobJoined}, team.ChangeRole{UserID: bob, Role: domain.RoleOwner, By: bob,
			ByRole: domain.RoleAdmin, At: later}.Decide, nil, domain.ErrPermissionDenied},
		{"admin may not demote an owner", []domain.Event{created, bobJoined, carolOwner}, team.ChangeRole{UserID: carol, Role: domain.RoleViewer,
			By: bob, ByRole: domain.RoleAdmin, At: later}.Decide, nil, domain.ErrPermissionDenied},
		{"last owner not demoted", []domain.Event{created}, team.ChangeRole{UserID: alice, Role: domain.RoleAdmin, By: alice,
			ByRole: domain.RoleOwner, At: later}.Decide, nil, domain.ErrConflict},
		{"one of two owners demoted", []domain.Event{created, carolOwner}, team.ChangeRole{UserID: alice, Role: domain.RoleAdmin, By: carol,
			ByRole: domain.RoleOwner, At: later}.Decide,
			[]domain.Event{team.MemberRoleChanged{TeamID: id, UserID: alice, OldRole: domain.RoleOwner, Role: domain.RoleAdmin, By: carol, At: later}}, nil},
		{"last owner cannot leave", []domain.Event{created}, team.RemoveMember{UserID: alice, By: alice, ByRole: domain.RoleOwner, At: later}.Decide,
			nil, domain.ErrConflict},
		{"member leaves", []domain.Event{created, bobJoined}, team.RemoveMember{UserID: bob, By: bob, ByRole: domain.RoleAdmin, At: later}.Decide,
			[]domain.Event{team.MemberRemoved{TeamID: id, UserID: bob, By: bob, At: later}}, nil},
		{"admin may not remove an owner", []domain.Event{created, bobJoined, carolOwner}, team.RemoveMember{UserID: carol, By: bob,
			ByRole: domain.RoleAdmin, At: later}.Decide, nil, domain.ErrPermissionDenied},
		{"remove unknown", []domain.Event{created}, team.RemoveMember{UserID: bob, By: alice, ByRole: domain.RoleOwner, At: later}.Decide,
			nil, domain.ErrNotFound},
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
