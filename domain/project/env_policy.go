package project

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Env var names that change how Node or the dynamic loader start a
// deployed server (a preloaded library, an injected --require, another
// CA or TLS check, another PATH) are refused for project env vars and
// deployment overrides, unless a platform admin allows them for the
// project (AllowEnvNames).

// guardedEnvNames are the exact names refused by default.
var guardedEnvNames = []string{
	"NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED", "NODE_ICU_DATA",
	"PATH", "GCONV_PATH", "GLIBC_TUNABLES",
}

// guardedEnvPrefixes start the names of whole families refused by default
// (LD_PRELOAD, LD_LIBRARY_PATH, DYLD_INSERT_LIBRARIES, …).
var guardedEnvPrefixes = []string{"LD_", "DYLD_"}

// GuardedEnvNames describes the refused names for messages:
// "NODE_OPTIONS, …, LD_* and DYLD_*".
func GuardedEnvNames() string {
	parts := slices.Clone(guardedEnvNames)
	for _, p := range guardedEnvPrefixes {
		parts = append(parts, p+"*")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// IsGuardedEnvName reports whether name is refused unless allowed. Case is
// ignored here, so that "ld_preload" counts too, though env names are
// case-sensitive.
func IsGuardedEnvName(name string) bool {
	upper := strings.ToUpper(name)
	if slices.Contains(guardedEnvNames, upper) {
		return true
	}
	for _, p := range guardedEnvPrefixes {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	return false
}

// EnvNameRefusedError is the refusal of a guarded env var name that the
// project does not allow. It is an invalid_argument domain error.
type EnvNameRefusedError struct {
	Name string
}

func (e *EnvNameRefusedError) Error() string {
	return fmt.Sprintf("env var %s changes how Node or the system loader starts the server (%s are refused); "+
		"a platform admin can allow it for this project with PUT /api/projects/{id}/env-policy", e.Name, GuardedEnvNames())
}

// Unwrap makes the refusal an invalid_argument domain.Error.
func (e *EnvNameRefusedError) Unwrap() error {
	return &domain.Error{Kind: domain.KindInvalid, Msg: e.Error()}
}

// CheckEnvName refuses a guarded name unless allowed holds it exactly
// (names compare case-sensitively, as env does).
func CheckEnvName(name string, allowed []string) error {
	if !IsGuardedEnvName(name) || slices.Contains(allowed, name) {
		return nil
	}
	return &EnvNameRefusedError{Name: name}
}

// EnvNamesAllowed is recorded when a platform admin sets which guarded env
// var names a project may use; Names replaces the earlier list (sorted,
// empty: none).
type EnvNamesAllowed struct {
	ProjectID uuid.UUID `json:"projectId"`
	TeamID    uuid.UUID `json:"teamId"`
	Names     []string  `json:"names"`
	By        uuid.UUID `json:"by"`
	At        time.Time `json:"at"`
}

// TypeEnvNamesAllowed is the type of EnvNamesAllowed. Never change a
// released one.
const TypeEnvNamesAllowed = "project.EnvNamesAllowed"

// EventType implements domain.Event.
func (EnvNamesAllowed) EventType() string { return TypeEnvNamesAllowed }

// maxAllowedEnvNames bounds the list of a project.
const maxAllowedEnvNames = 64

// AllowEnvNames is the command to replace the guarded env var names a
// project may use. The caller checked that a platform admin sends it.
type AllowEnvNames struct {
	Names []string
	By    uuid.UUID
	At    time.Time
}

// Decide validates the names (each a guarded name in env var syntax) and
// returns the change; none when the list is already that.
func (cmd AllowEnvNames) Decide(p Project) ([]domain.Event, error) {
	if !p.Live() {
		return nil, domain.Errorf(domain.KindNotFound, "project %s not found", p.ID)
	}
	if len(cmd.Names) > maxAllowedEnvNames {
		return nil, domain.Errorf(domain.KindInvalid, "allowedNames holds %d names; the limit is %d", len(cmd.Names), maxAllowedEnvNames)
	}
	names := make([]string, 0, len(cmd.Names))
	for _, n := range cmd.Names {
		if len(n) > 128 || !envKeyPattern.MatchString(n) {
			return nil, domain.Errorf(domain.KindInvalid, "allowedNames: %q is not an env var name (upper-case letters, digits and '_', not starting with a digit)", n)
		}
		if !IsGuardedEnvName(n) {
			return nil, domain.Errorf(domain.KindInvalid, "allowedNames: %s is allowed without a policy; list only names refused by default: %s", n, GuardedEnvNames())
		}
		names = append(names, n)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if slices.Equal(names, p.AllowedEnvNames) {
		return nil, nil
	}
	return []domain.Event{EnvNamesAllowed{ProjectID: p.ID, TeamID: p.TeamID, Names: names, By: cmd.By, At: cmd.At}}, nil
}
