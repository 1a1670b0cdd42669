package user

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Registered is recorded when a user first appears.
type Registered struct {
	UserID uuid.UUID `json:"userId"`
	Email  string    `json:"email"`
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
}

// PlatformAdminGranted is recorded when a user becomes a platform admin.
type PlatformAdminGranted struct {
	UserID uuid.UUID `json:"userId"`
	At     time.Time `json:"at"`
}

// TokenIssued is recorded when a personal API token is created. It holds
// the SHA-256 of the secret, never the secret.
type TokenIssued struct {
	TokenID    uuid.UUID  `json:"tokenId"`
	UserID     uuid.UUID  `json:"userId"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	SecretHash string     `json:"secretHash"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	At         time.Time  `json:"at"`
}

// TokenRevoked is recorded when a token is revoked.
type TokenRevoked struct {
	TokenID uuid.UUID `json:"tokenId"`
	UserID  uuid.UUID `json:"userId"`
	At      time.Time `json:"at"`
}

// IdentityLinked is recorded when an identity of an identity provider,
// named by its issuer and subject, is bound to the user: every later token
// of that issuer and subject signs in as this user, whatever email it
// carries. Email is the verified address the link was made with.
type IdentityLinked struct {
	UserID  uuid.UUID `json:"userId"`
	Issuer  string    `json:"issuer"`
	Subject string    `json:"subject"`
	Email   string    `json:"email"`
	At      time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeRegistered           = "user.UserRegistered"
	TypePlatformAdminGranted = "user.PlatformAdminGranted"
	TypeTokenIssued          = "user.APITokenIssued"
	TypeTokenRevoked         = "user.APITokenRevoked"
	TypeIdentityLinked       = "user.IdentityLinked"
)

// EventType implements domain.Event.
func (Registered) EventType() string { return TypeRegistered }

// EventType implements domain.Event.
func (PlatformAdminGranted) EventType() string { return TypePlatformAdminGranted }

// EventType implements domain.Event.
func (TokenIssued) EventType() string { return TypeTokenIssued }

// EventType implements domain.Event.
func (TokenRevoked) EventType() string { return TypeTokenRevoked }

// EventType implements domain.Event.
func (IdentityLinked) EventType() string { return TypeIdentityLinked }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Registered{}, PlatformAdminGranted{}, TokenIssued{}, TokenRevoked{}, IdentityLinked{}}
}

// StreamID is the stream of user id.
func StreamID(id uuid.UUID) string { return "user-" + id.String() }

// EmailScope is the uniqueness scope of normalized user emails.
const EmailScope = "user-email"

// IdentityScopePrefix starts the uniqueness scopes of linked identities:
// one scope per issuer, whose values are the subjects.
const IdentityScopePrefix = "user-identity:"

// IdentityScope is the uniqueness scope of the subjects of issuer: a
// subject is linked to at most one user.
func IdentityScope(issuer string) string { return IdentityScopePrefix + issuer }
