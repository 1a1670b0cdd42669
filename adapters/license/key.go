package license

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	domain "github.com/mastra-admin/mastra-admin/domain/license"
)

// BuiltInPublicKey is the vendor's license verification key (base64).
// Its private half is held by the vendor and is not in this repository.
const BuiltInPublicKey = "zE687upOQr0vwIEUbnKS5zEmWTY4UcsO0goecw6t5Ac="

const prefix = "mal1."

// ErrInvalidKey means a key is malformed, forged or for another product.
var ErrInvalidKey = errors.New("license: invalid key")

// ParsePublicKey decodes a base64 ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("license public key must be base64 of %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Verify checks a key's signature and returns its license.
func Verify(key string, pub ed25519.PublicKey) (domain.License, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(key), prefix)
	payloadPart, sigPart, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return domain.License{}, fmt.Errorf("%w: not a MastraAdmin license key", ErrInvalidKey)
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(payloadPart)
	sig, err2 := base64.RawURLEncoding.DecodeString(sigPart)
	if err1 != nil || err2 != nil {
		return domain.License{}, fmt.Errorf("%w: not base64url", ErrInvalidKey)
	}
	if !ed25519.Verify(pub, payload, sig) {
		return domain.License{}, fmt.Errorf("%w: the signature does not match (forged, altered, or from another vendor key)", ErrInvalidKey)
	}
	var l domain.License
	if err := json.Unmarshal(payload, &l); err != nil {
		return domain.License{}, fmt.Errorf("%w: payload: %w", ErrInvalidKey, err)
	}
	if err := l.Validate(); err != nil {
		return domain.License{}, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return l, nil
}

// Issue signs a license with the vendor's private key.
func Issue(priv ed25519.PrivateKey, l domain.License) (string, error) {
	if err := l.Validate(); err != nil {
		return "", err
	}
	payload, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode license: %w", err)
	}
	sig := ed25519.Sign(priv, payload)
	return prefix + base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// GenerateKey makes a vendor key pair.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// ParsePrivateKey decodes a base64 ed25519 private key (64 bytes) or seed (32).
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	switch {
	case err != nil:
		return nil, fmt.Errorf("private key is not base64: %w", err)
	case len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	}
	return nil, fmt.Errorf("private key must be %d or %d bytes, not %d", ed25519.SeedSize, ed25519.PrivateKeySize, len(b))
}
