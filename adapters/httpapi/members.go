package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
)

func (s *Server) createInvite(w http.ResponseWriter, r *http.Request) {
	teamID, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.InviteInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	inv, err := s.cfg.Admin.InviteMember(r.Context(), principal(r), teamID, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if inv.Delivery != "sent" {
		s.log.WithField("request_id", recorderFrom(r.Context()).requestID).WithField("delivery", inv.Delivery).
			Warn("invite recorded but its email was not sent")
	}
	w.Header().Set("Cache-Control", "no-store") // an invite is a credential to join the team
	writeJSON(w, http.StatusCreated, inv)
}

func (s *Server) listInvites(w http.ResponseWriter, r *http.Request) {
	teamID, err := pathID(r, "teamId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	invites, err := s.cfg.Admin.ListInvites(r.Context(), principal(r), teamID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invites": nonNil(invites)})
}

func (s *Server) revokeInvite(w http.ResponseWriter, r *http.Request) {
	ids, err := pathIDs(r, "teamId", "inviteId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.RevokeInvite(r.Context(), principal(r), ids[0], ids[1]); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	t, err := s.cfg.Admin.AcceptInvite(r.Context(), principal(r), mux.Vars(r)["inviteToken"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// roleInput is the body of PATCH /api/teams/{teamId}/members/{userId}.
type roleInput struct {
	Role string `json:"role"`
}

func (s *Server) changeMemberRole(w http.ResponseWriter, r *http.Request) {
	ids, err := pathIDs(r, "teamId", "userId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in roleInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	m, err := s.cfg.Admin.ChangeMemberRole(r.Context(), principal(r), ids[0], ids[1], in.Role)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	ids, err := pathIDs(r, "teamId", "userId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.RemoveMember(r.Context(), principal(r), ids[0], ids[1]); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
