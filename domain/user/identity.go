package user

import (
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/domain"
)

// maxIdentityPart bounds an issuer or a subject (OIDC caps a subject at
// 255 ASCII characters; issuers are URLs).
const maxIdentityPart = 1024

// LinkIdentity is the command that binds an identity provider's (issuer,
// subject) to a user. Email is the normalized address the provider
// verified; the caller found the user by it or registered the user with it.
type LinkIdentity struct {
	Issuer  string
	Subject string
	Email   string
	At      time.Time
}

// Decide returns the link, or nothing if u already has it. A user holds at
// most one subject per issuer: a second subject of the same issuer with
// the same email (an account deleted and made again at the provider, or
// someone else's) never becomes this user.
func (cmd LinkIdentity) Decide(u User) ([]domain.Event, error) {
	if !u.Exists {
		return nil, domain.Errorf(domain.KindNotFound, "user %s not found", u.ID)
	}
	if cmd.Issuer == "" || cmd.Subject == "" || len(cmd.Issuer) > maxIdentityPart || len(cmd.Subject) > maxIdentityPart ||
		strings.ContainsRune(cmd.Issuer+cmd.Subject, 0) {
		return nil, domain.Errorf(domain.KindInvalid, "an identity needs an issuer and a subject of at most %d bytes", maxIdentityPart)
	}
	if n, err := NormalizeEmail(cmd.Email); err != nil || n != cmd.Email {
		return nil, domain.Errorf(domain.KindInvalid, "email %q is not a normalized address", cmd.Email)
	}
	switch sub, ok := u.Identities[cmd.Issuer]; {
	case ok && sub == cmd.Subject:
		return nil, nil
	case ok:
		return nil, domain.Errorf(domain.KindUnauthenticated,
			"sign-in refused: the MastraAdmin account of %s is linked to another account of this identity provider", cmd.Email)
	}
	return []domain.Event{IdentityLinked{UserID: u.ID, Issuer: cmd.Issuer, Subject: cmd.Subject, Email: cmd.Email, At: cmd.At}}, nil
}
