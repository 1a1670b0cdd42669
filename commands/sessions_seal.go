package commands

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/domain"
)

// errSealed is what every unusable sealed value answers: altered, sealed
// for another purpose, malformed or expired look the same.
var errSealed = domain.Errorf(domain.KindUnauthenticated, "this sign-in has expired or was started elsewhere: sign in again")

// Seal seals value for purpose, usable for ttl: the dashboard hands it to
// the browser (a sign-in flow's state, nonce and PKCE verifier, in a
// cookie) and reads it back with Open when the browser returns. It is
// encrypted and authenticated with the master key, so every replica can
// open it and nobody can read or forge one.
func (s *Sessions) Seal(ctx context.Context, purpose string, value []byte, ttl time.Duration) (string, error) {
	plain := make([]byte, 8, 8+len(value))
	binary.BigEndian.PutUint64(plain, uint64(s.cfg.Clock.Now().Add(ttl).Unix()))
	plain = append(plain, value...)
	nonce, sealed, err := s.cfg.Cipher.Seal(ctx, sessionKeySpace, sealAD(purpose), plain)
	if err != nil {
		return "", fmt.Errorf("seal %s: %w", purpose, err)
	}
	return base64.RawURLEncoding.EncodeToString(nonce) + "." + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open returns the value Seal sealed for purpose, or an unauthenticated
// error when sealed was altered, sealed for another purpose, or has
// expired.
func (s *Sessions) Open(ctx context.Context, purpose, sealed string) ([]byte, error) {
	n, c, ok := strings.Cut(sealed, ".")
	if !ok || len(sealed) > 8192 {
		return nil, errSealed
	}
	nonce, err1 := base64.RawURLEncoding.DecodeString(n)
	ct, err2 := base64.RawURLEncoding.DecodeString(c)
	if err1 != nil || err2 != nil || len(nonce) == 0 || len(ct) == 0 {
		return nil, errSealed
	}
	plain, err := s.cfg.Cipher.Open(ctx, sessionKeySpace, sealAD(purpose), nonce, ct)
	if err != nil || len(plain) < 8 {
		return nil, errSealed // the cipher says no more than "does not open"
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0)
	if !s.cfg.Clock.Now().Before(expires) {
		return nil, errSealed
	}
	return plain[8:], nil
}

// sealAD keeps sealed values apart from session credentials (sealed under
// the same key) and from each other's purposes.
func sealAD(purpose string) string { return "sealed:" + purpose }
