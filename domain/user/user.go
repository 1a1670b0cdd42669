package user

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// User is the state of one user, folded from its events.
type User struct {
	ID            uuid.UUID
	Email         string
	Name          string
	PlatformAdmin bool
	Tokens        map[uuid.UUID]Token
	// Identities maps an issuer to the subject linked to this user.
	Identities map[string]string
	Exists     bool
}

// Token is a personal API token as the aggregate knows it.
type Token struct {
	ID         uuid.UUID
	Name       string
	Prefix     string
	SecretHash string
	ExpiresAt  *time.Time
	Revoked    bool
}

// Evolve returns u with e applied.
func Evolve(u User, e domain.Event) (User, error) {
	switch e := e.(type) {
	case Registered:
		u = User{ID: e.UserID, Email: e.Email, Name: e.Name, Exists: true, Tokens: map[uuid.UUID]Token{}, Identities: map[string]string{}}
	case PlatformAdminGranted:
		u.PlatformAdmin = true
	case TokenIssued:
		u.Tokens[e.TokenID] = Token{ID: e.TokenID, Name: e.Name, Prefix: e.Prefix, SecretHash: e.SecretHash, ExpiresAt: e.ExpiresAt}
	case IdentityLinked:
		u.Identities[e.Issuer] = e.Subject
	case TokenRevoked:
		t := u.Tokens[e.TokenID]
		t.Revoked = true
		u.Tokens[e.TokenID] = t
	default:
		return u, fmt.Errorf("user: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return u, nil
}

// NormalizeEmail validates an email address and lower-cases it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 {
		return "", domain.Errorf(domain.KindInvalid, "email %q is not a valid address", s)
	}
	return strings.ToLower(s), nil
}

// Register is the command that records a new user.
type Register struct {
	UserID uuid.UUID
	Email  string // normalized
	Name   string
	At     time.Time
}

// Decide returns the registration of a user not yet known. The email must
// already be normalized: the users read model and the email claim both
// hold it as recorded, so they agree only if it is recorded once, lower-cased.
func (cmd Register) Decide(u User) ([]domain.Event, error) {
	if u.Exists {
		return nil, domain.Errorf(domain.KindConflict, "user %s already exists", cmd.UserID)
	}
	if n, err := NormalizeEmail(cmd.Email); err != nil || n != cmd.Email {
		return nil, domain.Errorf(domain.KindInvalid, "email %q is not a normalized address", cmd.Email)
	}
	name := strings.TrimSpace(cmd.Name)
	if name == "" {
		name, _, _ = strings.Cut(cmd.Email, "@")
	}
	return []domain.Event{Registered{UserID: cmd.UserID, Email: cmd.Email, Name: name, At: cmd.At}}, nil
}

// GrantPlatformAdmin decides to make u a platform admin; nothing if already.
func (u User) GrantPlatformAdmin(at time.Time) []domain.Event {
	if u.PlatformAdmin {
		return nil
	}
	return []domain.Event{PlatformAdminGranted{UserID: u.ID, At: at}}
}

// IssueToken is the command to create a token whose secret the caller made.
type IssueToken struct {
	TokenID   uuid.UUID
	Name      string
	Prefix    string
	Secret    string
	ExpiresAt *time.Time
	At        time.Time
}

// Decide returns the token event, holding only the secret's hash.
func (cmd IssueToken) Decide(u User) ([]domain.Event, error) {
	if !u.Exists {
		return nil, domain.Errorf(domain.KindNotFound, "user %s not found", u.ID)
	}
	name, err := domain.ValidateName("token", cmd.Name)
	if err != nil {
		return nil, err
	}
	if cmd.ExpiresAt != nil && !cmd.ExpiresAt.After(cmd.At) {
		return nil, domain.Errorf(domain.KindInvalid, "token expiry must be in the future")
	}
	return []domain.Event{TokenIssued{
		TokenID: cmd.TokenID, UserID: u.ID, Name: name, Prefix: cmd.Prefix,
		SecretHash: HashSecret(cmd.Secret), ExpiresAt: cmd.ExpiresAt, At: cmd.At,
	}}, nil
}

// HashSecret returns the hex SHA-256 of a token secret. Secrets are 256
// random bits, so a plain hash is enough: there is nothing to brute-force.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SecretMatches compares a presented secret with a stored hash in constant time.
func SecretMatches(secret, hash string) bool {
	got := HashSecret(secret)
	return subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
}

// RevokeToken is the command to revoke one of the user's tokens.
type RevokeToken struct {
	TokenID uuid.UUID
	At      time.Time
}

// Decide returns the revocation.
func (cmd RevokeToken) Decide(u User) ([]domain.Event, error) {
	tok, ok := u.Tokens[cmd.TokenID]
	if !u.Exists || !ok {
		return nil, domain.Errorf(domain.KindNotFound, "token %s not found", cmd.TokenID)
	}
	if tok.Revoked {
		return nil, domain.Errorf(domain.KindConflict, "token %s is already revoked", cmd.TokenID)
	}
	return []domain.Event{TokenRevoked{TokenID: cmd.TokenID, UserID: u.ID, At: cmd.At}}, nil
}
