package team

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// View is a team as read models show it.
type View struct {
	ID        uuid.UUID   `json:"id"`
	Name      string      `json:"name"`
	Slug      string      `json:"slug"`
	CreatedBy uuid.UUID   `json:"createdBy"`
	CreatedAt time.Time   `json:"createdAt"`
	UpdatedAt time.Time   `json:"updatedAt"`
	Role      domain.Role `json:"role,omitempty"` // the caller's role, when a member
}

// MemberView is a member of a team as read models show it.
type MemberView struct {
	UserID   uuid.UUID   `json:"userId"`
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     domain.Role `json:"role"`
	JoinedAt time.Time   `json:"joinedAt"`
}

// InviteView is an invitation as read models show it. Status is pending,
// accepted, revoked or expired.
type InviteView struct {
	ID        uuid.UUID   `json:"id"`
	TeamID    uuid.UUID   `json:"teamId"`
	Email     string      `json:"email"`
	Role      domain.Role `json:"role"`
	Status    string      `json:"status"`
	InvitedBy uuid.UUID   `json:"invitedBy"`
	ExpiresAt time.Time   `json:"expiresAt"`
	CreatedAt time.Time   `json:"createdAt"`
	// Delivery says whether the invite email went out (only on creation).
	Delivery string `json:"delivery,omitempty"`
}
