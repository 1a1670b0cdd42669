package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// identityKey is the JWT cache key of an identity: its issuer and subject,
// never its email.
func identityKey(id Identity) string { return id.Issuer + "\x00" + id.Subject }

// forgetSignIns drops the cached JWT principals of a user whose rights
// changed.
func (a *Admin) forgetSignIns(userID uuid.UUID) {
	a.jwts.forgetIf(func(p Principal) bool { return p.UserID == userID })
}

// errUnverified refuses a first sign-in whose email the provider does not
// vouch for. It says the same whether or not a user has that email, so it
// tells a caller nothing about who is registered.
func errUnverified(provider string) error {
	return domain.Errorf(domain.KindUnauthenticated,
		"sign-in refused: the %s identity provider does not say that this account's email address is verified; "+
			"verify it with the provider, then sign in again", provider)
}

// signIn returns the user an identity is linked to by (issuer, subject).
// An identity not linked yet is linked on its first sign-in, and only when
// the provider says its email is verified: to the user with that email,
// unless that user already has another subject of the same issuer; or to
// a user registered with it. An unverified email never links and never
// registers. The link is a claim on (issuer, subject): of two concurrent
// first sign-ins of one identity, one links and the other, retried, finds
// the link.
func (a *Admin) signIn(ctx context.Context, id Identity) (Principal, error) {
	for attempt := 0; ; attempt++ {
		p, err := a.signInOnce(ctx, id)
		if errors.Is(err, ErrClaimTaken) && attempt < a.cfg.Retries {
			continue // linked, or the email registered, concurrently
		}
		if err != nil && domain.KindOf(err) == "" {
			return Principal{}, fmt.Errorf("sign in %s subject %q of %s: %w", id.Provider, id.Subject, id.Issuer, err)
		}
		return p, err
	}
}

func (a *Admin) signInOnce(ctx context.Context, id Identity) (Principal, error) {
	scope := user.IdentityScope(id.Issuer)
	var result user.User
	pos, err := a.execute(ctx, System, func() (write, error) {
		holder, linked, err := a.cfg.Store.ClaimOwner(ctx, scope, id.Subject)
		if err != nil {
			return write{}, err
		}
		if linked {
			u, _, err := load(ctx, a.cfg.Store, user.StreamID(holder), user.Evolve)
			if err != nil {
				return write{}, err
			}
			if !u.Exists {
				return write{}, fmt.Errorf("identity linked to user %s, who has no events", holder)
			}
			result = u
			return write{}, nil
		}
		if !id.EmailVerified {
			return write{}, errUnverified(id.Provider)
		}
		email, err := user.NormalizeEmail(id.Email)
		if err != nil {
			return write{}, domain.Errorf(domain.KindUnauthenticated,
				"sign-in refused: the %s identity provider gives no valid email address (%q)", id.Provider, id.Email)
		}
		now := a.cfg.Clock.Now()
		link := user.LinkIdentity{Issuer: id.Issuer, Subject: id.Subject, Email: email, At: now}
		identityClaim := Claim{Scope: scope, Value: id.Subject, At: now}
		owner, exists, err := a.cfg.Store.ClaimOwner(ctx, user.EmailScope, email)
		if err != nil {
			return write{}, err
		}
		if exists {
			u, version, err := load(ctx, a.cfg.Store, user.StreamID(owner), user.Evolve)
			if err != nil {
				return write{}, err
			}
			evs, err := link.Decide(u)
			if err != nil {
				return write{}, err
			}
			result, identityClaim.Owner = u, u.ID
			return write{claims: []Claim{identityClaim},
				appends: appendIf(user.StreamID(u.ID), version, a.events(evs...))}, nil
		}
		uid := a.cfg.IDs.New()
		evs, err := user.Register{UserID: uid, Email: email, At: now}.Decide(user.User{})
		if err != nil {
			return write{}, err
		}
		if result, err = user.Evolve(user.User{}, evs[0]); err != nil {
			return write{}, err
		}
		linked2, err := link.Decide(result)
		if err != nil {
			return write{}, err
		}
		identityClaim.Owner = uid
		return write{
			claims:  []Claim{{Scope: user.EmailScope, Value: email, Owner: uid, At: now}, identityClaim},
			appends: []Append{{StreamID: user.StreamID(uid), Expected: NoStream, Events: a.events(append(evs, linked2...)...)}},
		}, nil
	})
	if err != nil {
		return Principal{}, err
	}
	if pos != (Position{}) {
		a.writes.record(result.ID, pos) // the user's first reads see the registration and the link
	}
	return Principal{UserID: result.ID, Email: result.Email, PlatformAdmin: result.PlatformAdmin}, nil
}
