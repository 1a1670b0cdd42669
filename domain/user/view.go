package user

import (
	"time"

	"github.com/google/uuid"
)

// View is a user as read models show it.
type View struct {
	ID            uuid.UUID `json:"id"`
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	PlatformAdmin bool      `json:"platformAdmin"`
	CreatedAt     time.Time `json:"createdAt"`
}

// Credential is what authentication needs to know about a token.
type Credential struct {
	TokenID       uuid.UUID
	UserID        uuid.UUID
	Email         string
	PlatformAdmin bool
	SecretHash    string
	ExpiresAt     *time.Time
	Revoked       bool
}

// TokenView is a personal API token as the API lists it: never its secret.
type TokenView struct {
	ID         uuid.UUID  `json:"id"`
	UserID     uuid.UUID  `json:"userId"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
}
