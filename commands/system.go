package commands

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// SystemClock is the wall clock, in UTC, truncated to microseconds as
// Postgres stores times.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// UUIDv7 makes time-ordered UUIDs.
type UUIDv7 struct{}

// New returns a new UUIDv7.
func (UUIDv7) New() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// RandomSecrets makes tokens from crypto/rand.
type RandomSecrets struct{}

// Token returns an 8-hex-digit prefix and a 256-bit secret.
func (RandomSecrets) Token() (string, string, error) {
	p := make([]byte, 4)
	s := make([]byte, 32)
	if _, err := rand.Read(p); err != nil {
		return "", "", fmt.Errorf("make token prefix: %w", err)
	}
	if _, err := rand.Read(s); err != nil {
		return "", "", fmt.Errorf("make token secret: %w", err)
	}
	return hex.EncodeToString(p), base64.RawURLEncoding.EncodeToString(s), nil
}
