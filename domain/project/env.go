package project

import (
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// EnvVarSet is recorded when a project env var is set. It carries only the
// ciphertext (sealed with the project's data key), never the value.
type EnvVarSet struct {
	ProjectID  uuid.UUID `json:"projectId"`
	TeamID     uuid.UUID `json:"teamId"`
	Key        string    `json:"key"`
	Secret     bool      `json:"secret"`
	Nonce      []byte    `json:"nonce"`
	Ciphertext []byte    `json:"ciphertext"`
	By         uuid.UUID `json:"by"`
	At         time.Time `json:"at"`
}

// EnvVarRemoved is recorded when a project env var is removed.
type EnvVarRemoved struct {
	ProjectID uuid.UUID `json:"projectId"`
	TeamID    uuid.UUID `json:"teamId"`
	Key       string    `json:"key"`
	By        uuid.UUID `json:"by"`
	At        time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeEnvVarSet     = "project.EnvVarSet"
	TypeEnvVarRemoved = "project.EnvVarRemoved"
)

// EventType implements domain.Event.
func (EnvVarSet) EventType() string { return TypeEnvVarSet }

// EventType implements domain.Event.
func (EnvVarRemoved) EventType() string { return TypeEnvVarRemoved }

// MaxEnvValue bounds an env var's value.
const MaxEnvValue = 32 << 10

var envKeyPattern = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// ValidateEnv checks a key and the size of a value.
func ValidateEnv(key string, value []byte) error {
	if len(key) > 128 || !envKeyPattern.MatchString(key) {
		return domain.Errorf(domain.KindInvalid, "env var name %q: use upper-case letters, digits and '_', not starting with a digit", key)
	}
	if len(value) > MaxEnvValue {
		return domain.Errorf(domain.KindInvalid, "env var %s is %d bytes; the limit is %d", key, len(value), MaxEnvValue)
	}
	return nil
}

// SetEnv is the command to set an env var whose value the caller sealed.
type SetEnv struct {
	Key        string
	Secret     bool
	Nonce      []byte
	Ciphertext []byte
	By         uuid.UUID
	At         time.Time
}

// Decide returns the change.
func (cmd SetEnv) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	return []domain.Event{EnvVarSet{ProjectID: p.ID, TeamID: p.TeamID, Key: cmd.Key, Secret: cmd.Secret,
		Nonce: cmd.Nonce, Ciphertext: cmd.Ciphertext, By: cmd.By, At: cmd.At}}, nil
}

// RemoveEnv is the command to remove an env var.
type RemoveEnv struct {
	Key string
	By  uuid.UUID
	At  time.Time
}

// Decide returns the removal.
func (cmd RemoveEnv) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	if !p.Env[cmd.Key] {
		return nil, domain.Errorf(domain.KindNotFound, "env var %s not found", cmd.Key)
	}
	return []domain.Event{EnvVarRemoved{ProjectID: p.ID, TeamID: p.TeamID, Key: cmd.Key, By: cmd.By, At: cmd.At}}, nil
}

// EnvView is an env var as the API shows it: a secret's value is never shown.
type EnvView struct {
	Key       string    `json:"key"`
	Value     *string   `json:"value"` // nil for secrets
	Secret    bool      `json:"secret"`
	UpdatedBy uuid.UUID `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version is the var's version (domain.EnvVersion); StaleDeployments
	// are the running servers that received an older one (restart
	// needed). Both are shown by the env list.
	Version          int           `json:"version,omitempty"`
	StaleDeployments []StaleServer `json:"staleDeployments,omitempty"`
}

// SealedEnv is an env var as read models keep it.
type SealedEnv struct {
	Key        string
	Secret     bool
	Nonce      []byte
	Ciphertext []byte
	UpdatedBy  uuid.UUID
	UpdatedAt  time.Time
}
