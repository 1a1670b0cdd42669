package crypto

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the master key's file in the data directory when none is
// configured.
const KeyFile = "encryption.key"

// MasterKey is the key that wraps data keys. ID names it without revealing it.
type MasterKey struct {
	ID  string
	key []byte
}

// NewMasterKey makes a master key from 32 bytes.
func NewMasterKey(key []byte) (MasterKey, error) {
	if len(key) != 32 {
		return MasterKey{}, fmt.Errorf("master key must be 32 bytes, not %d", len(key))
	}
	sum := sha256.Sum256(append([]byte("mastra-admin master key id:"), key...))
	return MasterKey{ID: "mk-" + hex.EncodeToString(sum[:6]), key: append([]byte(nil), key...)}, nil
}

// ParseMasterKey decodes a base64 master key.
func ParseMasterKey(s string) (MasterKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return MasterKey{}, fmt.Errorf("master key is not base64: %w", err)
	}
	return NewMasterKey(b)
}

// GenerateMasterKey makes a random master key.
func GenerateMasterKey() (MasterKey, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return MasterKey{}, fmt.Errorf("make master key: %w", err)
	}
	return NewMasterKey(b)
}

// Encode returns the key as base64.
func (m MasterKey) Encode() string { return base64.StdEncoding.EncodeToString(m.key) }

// LoadOrCreate returns the configured key, or the one in dataDir, creating
// it (mode 0600) on first run.
func LoadOrCreate(configured, dataDir string) (MasterKey, error) {
	if configured != "" {
		return ParseMasterKey(configured)
	}
	path := filepath.Join(dataDir, KeyFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		return ParseMasterKey(string(raw))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return MasterKey{}, fmt.Errorf("read %s: %w", path, err)
	}
	m, err := GenerateMasterKey()
	if err != nil {
		return MasterKey{}, err
	}
	if err := WriteKeyFile(path, m); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process made it first
			return LoadOrCreate("", dataDir)
		}
		return MasterKey{}, err
	}
	return m, nil
}

// WriteKeyFile creates path (mode 0600) holding m; it fails if path exists.
func WriteKeyFile(path string, m MasterKey) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.WriteString(m.Encode() + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
