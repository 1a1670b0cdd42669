package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// EnsureUser returns the user with email, registering it when missing, and
// grants platform-admin rights when admin is set. It is what the CLI's
// token create and first-seen JWT logins use.
func (a *Admin) EnsureUser(ctx context.Context, email, name string, admin bool) (user.View, error) {
	email, err := user.NormalizeEmail(email)
	if err != nil {
		return user.View{}, err
	}
	for attempt := 0; ; attempt++ {
		v, err := a.ensureUser(ctx, email, name, admin)
		if errors.Is(err, ErrClaimTaken) && attempt < a.cfg.Retries {
			continue // registered concurrently: now it exists
		}
		return v, err
	}
}

func (a *Admin) ensureUser(ctx context.Context, email, name string, admin bool) (user.View, error) {
	var result user.View
	pos, err := a.execute(ctx, System, func() (write, error) {
		holder, claimed, err := a.cfg.Store.ClaimOwner(ctx, user.EmailScope, email)
		if err != nil {
			return write{}, err
		}
		now := a.cfg.Clock.Now()
		if !claimed {
			id := a.cfg.IDs.New()
			evs, err := user.Register{UserID: id, Email: email, Name: name, At: now}.Decide(user.User{})
			if err != nil {
				return write{}, err
			}
			result = user.View{ID: id, Email: email, Name: evs[0].(user.Registered).Name, CreatedAt: now}
			if admin {
				evs = append(evs, user.PlatformAdminGranted{UserID: id, At: now})
				result.PlatformAdmin = true
			}
			return write{
				claims:  []Claim{{Scope: user.EmailScope, Value: email, Owner: id, At: now}},
				appends: []Append{{StreamID: user.StreamID(id), Expected: NoStream, Events: a.events(evs...)}},
			}, nil
		}
		u, version, err := load(ctx, a.cfg.Store, user.StreamID(holder), user.Evolve)
		if err != nil {
			return write{}, err
		}
		result = user.View{ID: u.ID, Email: u.Email, Name: u.Name, PlatformAdmin: u.PlatformAdmin || admin}
		if !admin {
			return write{}, nil
		}
		return write{appends: appendIf(user.StreamID(u.ID), version, a.events(u.GrantPlatformAdmin(now)...))}, nil
	})
	if err == nil && pos != (Position{}) {
		a.writes.record(result.ID, pos) // the user's own first reads see their registration
		a.forgetSignIns(result.ID)      // their rights may have changed
	}
	return result, err
}

func appendIf(streamID string, version int64, events []NewEvent) []Append {
	if len(events) == 0 {
		return nil
	}
	return []Append{{StreamID: streamID, Expected: version, Events: events}}
}

// NewToken is a token just created; Secret is shown once and never stored.
type NewToken struct {
	ID        uuid.UUID  `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	Token     string     `json:"token"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
}

// TokenPrefix starts every MastraAdmin API token.
const TokenPrefix = "mat_"

// CreateToken issues a personal API token for userID.
func (a *Admin) CreateToken(ctx context.Context, p Principal, userID uuid.UUID, name string, expiresAt *time.Time) (NewToken, error) {
	if !p.PlatformAdmin && p.UserID != userID {
		return NewToken{}, domain.Errorf(domain.KindPermissionDenied, "tokens can be created only for yourself")
	}
	prefix, secret, err := a.cfg.Secrets.Token()
	if err != nil {
		return NewToken{}, err
	}
	var out NewToken
	pos, err := a.execute(ctx, p, func() (write, error) {
		u, version, err := load(ctx, a.cfg.Store, user.StreamID(userID), user.Evolve)
		if err != nil {
			return write{}, err
		}
		id, now := a.cfg.IDs.New(), a.cfg.Clock.Now()
		evs, err := user.IssueToken{TokenID: id, Name: name, Prefix: prefix, Secret: secret, ExpiresAt: expiresAt, At: now}.Decide(withID(u, userID))
		if err != nil {
			return write{}, err
		}
		issued := evs[0].(user.TokenIssued)
		out = NewToken{ID: id, Name: issued.Name, Prefix: prefix, Token: TokenPrefix + prefix + "_" + secret, ExpiresAt: expiresAt, CreatedAt: now}
		return write{appends: appendIf(user.StreamID(userID), version, a.events(evs...))}, nil
	})
	if err == nil {
		a.tokens.record(prefix, pos)
	}
	return out, err
}

func withID(u user.User, id uuid.UUID) user.User {
	if !u.Exists {
		u.ID = id
	}
	return u
}

// Authenticate resolves a bearer token to its principal. Every failure is
// the same unauthenticated error, so callers learn nothing about tokens.
func (a *Admin) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	denied := domain.Errorf(domain.KindUnauthenticated, "invalid or expired token")
	rest, ok := strings.CutPrefix(bearer, TokenPrefix)
	if !ok {
		return a.authenticateJWT(ctx, bearer, denied)
	}
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != 8 || secret == "" {
		return Principal{}, denied
	}
	cred, found, err := a.credential(ctx, prefix)
	if err != nil {
		return Principal{}, err
	}
	if !found || !user.SecretMatches(secret, cred.SecretHash) || cred.Revoked {
		return Principal{}, denied
	}
	now := a.cfg.Clock.Now()
	if cred.ExpiresAt != nil && !now.Before(*cred.ExpiresAt) {
		return Principal{}, denied
	}
	if a.cfg.Usage != nil {
		a.cfg.Usage.Used(ctx, cred.TokenID, now)
	}
	return Principal{UserID: cred.UserID, Email: cred.Email, PlatformAdmin: cred.PlatformAdmin, TokenID: cred.TokenID}, nil
}

// authenticateJWT tries the identity providers; the user is the one the
// identity's (issuer, subject) is linked to, linked on first sight (see
// signIn).
func (a *Admin) authenticateJWT(ctx context.Context, bearer string, denied error) (Principal, error) {
	for _, idp := range a.cfg.Identities {
		id, err := idp.Verify(ctx, bearer)
		if err != nil {
			continue
		}
		// A sign-in is not a new resource: once the license has lapsed,
		// people keep signing in to what they have (like running
		// deployments keep running); only a license without the feature
		// refuses it.
		if f, ok := idp.(interface{ Feature() string }); ok && f.Feature() != "" && !a.cfg.License.Has(f.Feature()) {
			return Principal{}, a.cfg.License.Require(f.Feature(), a.cfg.Clock.Now())
		}
		if id.Issuer == "" || id.Subject == "" {
			return Principal{}, denied
		}
		key, now := identityKey(id), a.cfg.Clock.Now()
		if p, ok := a.jwts.get(key, now); ok {
			return p, nil
		}
		p, err := a.signIn(ctx, id)
		if err != nil {
			return Principal{}, err
		}
		a.jwts.put(key, p, now)
		return p, nil
	}
	return Principal{}, denied
}

// credential looks a token up in the read model. A token issued moments
// ago may not be there yet: one issued here is waited for; an unknown one
// is looked up again once the read models show every visible event (it may
// come from another replica).
func (a *Admin) credential(ctx context.Context, prefix string) (user.Credential, bool, error) {
	now := a.cfg.Clock.Now()
	if cred, ok := a.creds.get(prefix, now); ok {
		return cred, true, nil
	}
	before := a.tokens.of(prefix)
	cred, found, err := a.lookUpCredential(ctx, prefix)
	// A token revoked while we looked may have been read as it was before:
	// use the answer, but do not keep it.
	if found && err == nil && a.tokens.of(prefix) == before {
		a.creds.put(prefix, cred, now)
	}
	return cred, found, err
}

func (a *Admin) lookUpCredential(ctx context.Context, prefix string) (user.Credential, bool, error) {
	if pos := a.tokens.of(prefix); pos != (Position{}) && a.cfg.Consistency != nil {
		if err := a.cfg.Consistency.WaitFor(ctx, pos); err != nil {
			return user.Credential{}, false, err
		}
	}
	cred, found, err := a.cfg.Reads.CredentialByPrefix(ctx, prefix)
	if err != nil || found || a.cfg.Consistency == nil {
		return cred, found, wrapLookup(err)
	}
	if err := a.cfg.Consistency.WaitForHead(ctx); err != nil {
		return cred, false, err
	}
	cred, found, err = a.cfg.Reads.CredentialByPrefix(ctx, prefix)
	return cred, found, wrapLookup(err)
}

func wrapLookup(err error) error {
	if err != nil {
		return fmt.Errorf("look up token: %w", err)
	}
	return nil
}

// errNotFound hides whether a resource exists from callers who may not see it.
func errNotFound(what string, id uuid.UUID) error {
	return domain.Errorf(domain.KindNotFound, "%s %s not found", what, id)
}
