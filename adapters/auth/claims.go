package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// tokenClaims are the claims read from the tokens of every provider.
type tokenClaims struct {
	Email string `json:"email"`
	// EmailVerified is OIDC's claim; a Supabase custom access token hook
	// may set it too.
	EmailVerified json.RawMessage `json:"email_verified"`
	// Supabase's own claims (see supabaseEmailVerified).
	EmailConfirmedAt json.RawMessage `json:"email_confirmed_at"`
	ConfirmedAt      json.RawMessage `json:"confirmed_at"`
	IsAnonymous      json.RawMessage `json:"is_anonymous"`
	UserMetadata     struct {
		EmailVerified json.RawMessage `json:"email_verified"`
	} `json:"user_metadata"`
	jwt.RegisteredClaims
}

// isTrue reports whether a claim is the JSON boolean true: not the string
// "true", not 1.
func isTrue(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("true")) }

// present reports whether a claim is there and not null.
func present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// oidcEmailVerified: OIDC Core's email_verified, which must be the boolean
// true; a token without it does not vouch for its email.
func (c tokenClaims) oidcEmailVerified() bool { return isTrue(c.EmailVerified) }

// supabaseEmailVerified decides from the claims Supabase Auth issues.
// Supabase records a confirmed email as auth.users.email_confirmed_at and,
// when it confirms one, writes email_verified: true into the user's
// user_metadata, which access tokens carry. Its access tokens have no
// top-level confirmation claim of their own; a custom access token hook can
// add one from auth.users, and when one is there it decides:
//   - an anonymous user (is_anonymous: true) is never verified;
//   - a top-level email_verified decides (it must be the boolean true);
//   - else a top-level email_confirmed_at or confirmed_at (a timestamp) means verified;
//   - else user_metadata.email_verified must be the boolean true.
//
// user_metadata can also be written by the signed-in user
// (auth.updateUser({data})), so it vouches only as far as the project lets
// no one sign in before confirming the email (Supabase's default); the
// README says so and shows the hook that closes the gap.
func (c tokenClaims) supabaseEmailVerified() bool {
	switch {
	case isTrue(c.IsAnonymous):
		return false
	case present(c.EmailVerified):
		return isTrue(c.EmailVerified)
	case confirmedAt(c.EmailConfirmedAt) || confirmedAt(c.ConfirmedAt):
		return true
	}
	return isTrue(c.UserMetadata.EmailVerified)
}

// confirmedAt reports whether a claim is a non-empty string (a timestamp).
func confirmedAt(raw json.RawMessage) bool {
	var s string
	return present(raw) && json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != ""
}

// numericDates are the registered claims RFC 7519 makes NumericDates.
var numericDates = []string{"exp", "nbf", "iat"}

// checkNumericDates refuses a token whose exp, nbf or iat is not a JSON
// number. golang-jwt decodes them into json.Number, which encoding/json
// also fills from a string holding digits: "exp": "9999999999" would pass.
func checkNumericDates(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%w: not a JWS compact serialization", ErrInvalidToken)
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return fmt.Errorf("%w: payload: %w", ErrInvalidToken, err)
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil {
		return fmt.Errorf("%w: payload: %w", ErrInvalidToken, err)
	}
	for _, name := range numericDates {
		raw, ok := claims[name]
		if !ok {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidToken, name, err)
		}
		if _, ok := v.(json.Number); !ok {
			return fmt.Errorf("%w: %s must be a number, not %s", ErrInvalidToken, name, raw)
		}
	}
	return nil
}
