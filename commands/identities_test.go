package commands_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/oidctest"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

// idp is a real identity provider wired into an App, and a way to sign
// its tokens.
type idp struct {
	name string
	tune func(*app.Config)
	sign func(t *testing.T, sub, email string, verified bool) string
}

var jwtSecret = []byte("super-secret-jwt-token-with-at-least-32-characters")

// providers returns a Supabase project (HS256) and an OIDC issuer.
func providers(t *testing.T) []idp {
	iss := oidctest.NewIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return []idp{{
		name: "supabase",
		tune: func(c *app.Config) {
			c.Commands.Identities = []commands.IdentityProvider{auth.Supabase{Secret: jwtSecret}}
		},
		sign: func(t *testing.T, sub, email string, verified bool) string {
			s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "email": email, "aud": "authenticated",
				"role": "authenticated", "exp": time.Now().Add(time.Hour).Unix(),
				"user_metadata": map[string]any{"email_verified": verified}}).SignedString(jwtSecret)
			require.NoError(t, err)
			return s
		},
	}, {
		name: "oidc",
		tune: func(c *app.Config) {
			c.Commands.License = license.License{Tier: license.Enterprise, Features: []string{license.FeatureOIDC}}
			c.Commands.Identities = []commands.IdentityProvider{auth.NewOIDC(ctx, iss.URL, "mastra-admin")}
		},
		sign: func(t *testing.T, sub, email string, verified bool) string {
			return iss.Sign(t, iss.Key, func(c jwt.MapClaims) { c["sub"], c["email"], c["email_verified"] = sub, email, verified })
		},
	}}
}

// TestAnotherSubjectWithAnAdminsEmailIsNotTheAdmin: once the platform
// admin signed in, a token of the same provider with her email but another
// subject, verified or not, does not sign in as her, even while her own
// sign-in is cached.
func TestAnotherSubjectWithAnAdminsEmailIsNotTheAdmin(t *testing.T) {
	t.Parallel()
	for _, p := range providers(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := apptest.Start(t, p.tune)
			ctx := context.Background()
			root, err := env.Admin.EnsureUser(ctx, "root@example.com", "", true)
			require.NoError(t, err)

			me, err := env.Admin.Authenticate(ctx, p.sign(t, "root-sub", "root@example.com", true))
			require.NoError(t, err)
			assert.Equal(t, root.ID, me.UserID, "her first verified sign-in links her identity to her account")
			assert.True(t, me.PlatformAdmin)

			for _, verified := range []bool{true, false} {
				got, err := env.Admin.Authenticate(ctx, p.sign(t, "mallory-sub", "root@example.com", verified))
				assert.ErrorIs(t, err, domain.ErrUnauthenticated, "verified %v", verified)
				assert.NotEqual(t, root.ID, got.UserID)
				assert.False(t, got.PlatformAdmin)
			}
			got, err := env.Admin.Authenticate(ctx, p.sign(t, "mallory-sub", "ROOT@example.com", true))
			assert.ErrorIs(t, err, domain.ErrUnauthenticated, "nor in another case")
			assert.False(t, got.PlatformAdmin)

			again, err := env.Admin.Authenticate(ctx, p.sign(t, "root-sub", "root@example.com", true))
			require.NoError(t, err)
			assert.Equal(t, me, again)
		})
	}
}

// TestUnverifiedEmailIsNeverLinked: a first sign-in whose email the
// provider does not vouch for neither links to the user with that email
// nor registers one; the message says why, the same in both cases.
func TestUnverifiedEmailIsNeverLinked(t *testing.T) {
	t.Parallel()
	for _, p := range providers(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := apptest.Start(t, p.tune)
			ctx := context.Background()
			root, err := env.Admin.EnsureUser(ctx, "root@example.com", "", true)
			require.NoError(t, err)

			_, err = env.Admin.Authenticate(ctx, p.sign(t, "s-1", "root@example.com", false))
			require.ErrorIs(t, err, domain.ErrUnauthenticated)
			assert.Contains(t, err.Error(), "verified")
			_, err2 := env.Admin.Authenticate(ctx, p.sign(t, "s-2", "nobody@example.com", false))
			require.ErrorIs(t, err2, domain.ErrUnauthenticated)
			assert.Equal(t, err.Error(), err2.Error(), "the answer does not tell whether an account has that email")

			env.CaughtUp(t)
			_, found, err := env.Queries.UserByEmail(ctx, "nobody@example.com")
			require.NoError(t, err)
			assert.False(t, found, "no user registered from an unverified email")
			assert.Empty(t, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "user_identities"), "nothing linked")

			// Verified later, the same subject links to the account.
			me, err := env.Admin.Authenticate(ctx, p.sign(t, "s-1", "root@example.com", true))
			require.NoError(t, err)
			assert.Equal(t, root.ID, me.UserID)
		})
	}
}

// TestLinkedIdentityKeepsItsUser: a first verified sign-in registers and
// links; later tokens of the same issuer and subject are that user whatever
// email they carry, verified or not; emails in other cases are one user.
func TestLinkedIdentityKeepsItsUser(t *testing.T) {
	t.Parallel()
	for _, p := range providers(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := apptest.Start(t, func(c *app.Config) {
				p.tune(c)
				c.Commands.CredentialTTL = -1 // every sign-in goes to the store
			})
			ctx := context.Background()
			first, err := env.Admin.Authenticate(ctx, p.sign(t, "ada-sub", "Ada@Example.COM", true))
			require.NoError(t, err)
			assert.Equal(t, "ada@example.com", first.Email, "registered with the normalized email")
			assert.False(t, first.PlatformAdmin)

			for _, email := range []string{"ada@new-domain.example", "someone-else@example.com"} {
				for _, verified := range []bool{true, false} {
					again, err := env.Admin.Authenticate(ctx, p.sign(t, "ada-sub", email, verified))
					require.NoError(t, err, "%s %v", email, verified)
					assert.Equal(t, first, again, "the same user: bound by issuer and subject, not by email")
				}
			}
			cli, err := env.Admin.EnsureUser(ctx, "ADA@example.com", "", false)
			require.NoError(t, err)
			assert.Equal(t, first.UserID, cli.ID, "the CLI's spelling finds the same user")

			env.CaughtUp(t)
			_, found, err := env.Queries.UserByEmail(ctx, "someone-else@example.com")
			require.NoError(t, err)
			assert.False(t, found, "a changed email registers no one")
			ids := projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "user_identities")
			require.Len(t, ids, 1)
			assert.Contains(t, ids[0], `"subject": "ada-sub"`)
			assert.Contains(t, ids[0], `"email": "ada@example.com"`)

			// Replay: the users read model, identities included, and the
			// claims rebuild exactly as the commands wrote them.
			projectiontest.AssertRebuildIdentical(t, env.Store, env.Projections...)
			claims := projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims")
			require.Len(t, claims, 2, "the email and the identity")
			_, err = projections.RebuildClaims(ctx, env.Store, projections.Options{BatchSize: 1})
			require.NoError(t, err)
			assert.Equal(t, claims, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "unique_claims"))
		})
	}
}

// TestConcurrentFirstSignInsMakeOneUser: many first sign-ins of one
// identity at once all end as the same single user, linked once.
func TestConcurrentFirstSignInsMakeOneUser(t *testing.T) {
	t.Parallel()
	for _, p := range providers(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := apptest.Start(t, func(c *app.Config) {
				p.tune(c)
				c.Commands.CredentialTTL = -1
			})
			ctx := context.Background()
			const n = 8
			token := p.sign(t, "grace-sub", "grace@example.com", true)
			got := make([]commands.Principal, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i], errs[i] = env.Admin.Authenticate(ctx, token)
				}()
			}
			close(start)
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i])
				assert.Equal(t, got[0], got[i])
			}
			env.CaughtUp(t)
			assert.Len(t, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "users"), 1, "one user")
			assert.Len(t, projectiontest.Dump(t, env.DB.Pool, env.DB.Schema, "user_identities"), 1, "linked once")
			events, err := env.Store.ReadAll(ctx, eventstore.Position{}, 100)
			require.NoError(t, err)
			assert.Len(t, events, 2, "one registration and one link")
		})
	}
}
