package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// memberRoutes registers a team's members and invites pages and actions
// (under team, the team route's path) and the invite-accept page.
func (s *Server) memberRoutes(r *mux.Router, teamPath string) {
	member := teamPath + "/members/{userId:" + uuidPattern + "}"
	invite := teamPath + "/invites/{inviteId:" + uuidPattern + "}"
	r.HandleFunc(teamPath+"/members", s.signedIn(s.membersPage)).Methods(http.MethodGet)
	r.HandleFunc(member+"/role", s.act(s.changeRole)).Methods(http.MethodPost)
	r.HandleFunc(member+"/remove", s.act(s.removeMember)).Methods(http.MethodPost)
	r.HandleFunc(teamPath+"/invites", s.act(s.invite)).Methods(http.MethodPost)
	r.HandleFunc(invite+"/revoke", s.act(s.revokeInvite)).Methods(http.MethodPost)
	r.HandleFunc("/invites/{token}", s.signedIn(s.invitePage)).Methods(http.MethodGet)
	r.HandleFunc("/invites/{token}/accept", s.act(s.acceptInvite)).Methods(http.MethodPost)
}

// memberRow is a member with what the caller may do to them.
type memberRow struct {
	team.MemberView
	Self bool
	// Manage: the caller may change this member's role or remove them
	// (admins manage everyone but owners; owners everyone).
	Manage bool
}

type membersData struct {
	Team    team.View
	Manage  bool          // the caller may manage members and invites
	Grants  []domain.Role // the roles the caller may give
	Members Section[[]memberRow]
	Invites Section[[]team.InviteView]
}

// allRoles are the team roles, weakest first.
var allRoles = []domain.Role{domain.RoleViewer, domain.RoleDeveloper, domain.RoleAdmin, domain.RoleOwner}

// actingRole is the role the caller acts with in a team: platform admins
// act as owners (as the commands decide).
func actingRole(sess commands.Session, role domain.Role) domain.Role {
	if sess.Principal.PlatformAdmin {
		return domain.RoleOwner
	}
	return role
}

// grantable lists the roles a member with role may give: owners any,
// admins any but owner (the team's membership rules).
func grantable(role domain.Role) []domain.Role {
	switch {
	case role == domain.RoleOwner:
		return allRoles
	case role.AtLeast(domain.RoleAdmin):
		return allRoles[:3]
	}
	return nil
}

// membersPage lists a team's members and, for those who manage them, its
// invites and the forms that change both.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTeam(w, r)
	if !ok {
		return
	}
	sess := session(r)
	role := actingRole(sess, t.Role)
	data := membersData{Team: t, Manage: domain.Can(role, domain.ActionMembersManage), Grants: grantable(role)}
	data.Members = load(r.Context(), func(ctx context.Context) ([]memberRow, error) {
		members, err := s.cfg.Admin.ListMembers(ctx, sess.Principal, t.ID)
		rows := make([]memberRow, len(members))
		for i, m := range members {
			rows[i] = memberRow{MemberView: m, Self: m.UserID == sess.Principal.UserID,
				Manage: data.Manage && (m.Role != domain.RoleOwner || role == domain.RoleOwner)}
		}
		return rows, err
	})
	if data.Manage {
		data.Invites = load(r.Context(), func(ctx context.Context) ([]team.InviteView, error) {
			return s.cfg.Admin.ListInvites(ctx, sess.Principal, t.ID)
		})
	}
	s.render(w, r, http.StatusOK, "members", view{Title: "Members", Session: sess, Crumbs: teamCrumbs(t), Data: data})
}

func (s *Server) changeRole(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	teamID, userID, err := teamAnd(r, "userId", "member")
	if err != nil {
		return "", "", err
	}
	m, err := s.cfg.Admin.ChangeMemberRole(r.Context(), sess.Principal, teamID, userID, r.PostFormValue("role"))
	if err != nil {
		return "", "", err
	}
	return "/teams/" + teamID.String() + "/members", m.Email + " is now " + string(m.Role) + ".", nil
}

func (s *Server) removeMember(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	teamID, userID, err := teamAnd(r, "userId", "member")
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.RemoveMember(r.Context(), sess.Principal, teamID, userID); err != nil {
		return "", "", err
	}
	if userID == sess.Principal.UserID {
		return "/", "You left the team.", nil
	}
	return "/teams/" + teamID.String() + "/members", "Member removed.", nil
}

func (s *Server) invite(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	teamID, err := idIn(r, "teamId", "team")
	if err != nil {
		return "", "", err
	}
	in := commands.InviteInput{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	if in.Email == "" {
		return "", "", domain.Errorf(domain.KindInvalid, "type the email address to invite")
	}
	inv, err := s.cfg.Admin.InviteMember(r.Context(), sess.Principal, teamID, in)
	if err != nil {
		return "", "", err
	}
	msg := "Invite for " + inv.Email + " as " + string(inv.Role) + " sent by email."
	if inv.Delivery != "sent" {
		// The link is a credential for the invitee only: never shown here.
		msg = "Invite for " + inv.Email + " recorded, but its email was not sent (" + inv.Delivery +
			"). Revoke it and invite again once email works."
	}
	return "/teams/" + teamID.String() + "/members", msg, nil
}

func (s *Server) revokeInvite(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	teamID, inviteID, err := teamAnd(r, "inviteId", "invite")
	if err != nil {
		return "", "", err
	}
	if err := s.cfg.Admin.RevokeInvite(r.Context(), sess.Principal, teamID, inviteID); err != nil {
		return "", "", err
	}
	return "/teams/" + teamID.String() + "/members", "Invite revoked.", nil
}

type inviteData struct {
	Token  string
	Invite commands.InvitePreview
}

// invitePage shows what an invite link offers and, when the caller may
// take it, the button that accepts it. Signed-out visitors sign in first
// and come back here.
func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	sess := session(r)
	token := mux.Vars(r)["token"]
	inv, err := s.cfg.Admin.PreviewInvite(r.Context(), sess.Principal, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "invite", view{Title: "Invitation to " + inv.TeamName, Session: sess,
		Data: inviteData{Token: token, Invite: inv}})
}

func (s *Server) acceptInvite(_ http.ResponseWriter, r *http.Request, sess commands.Session) (string, string, error) {
	t, err := s.cfg.Admin.AcceptInvite(r.Context(), sess.Principal, mux.Vars(r)["token"])
	if err != nil {
		return "", "", err
	}
	return "/teams/" + t.ID.String(), "You joined " + t.Name + " as " + string(t.Role) + ".", nil
}
