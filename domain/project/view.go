package project

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// View is a project as read models show it.
type View struct {
	ID            uuid.UUID       `json:"id"`
	TeamID        uuid.UUID       `json:"teamId"`
	Name          string          `json:"name"`
	Slug          string          `json:"slug"`
	SubdomainBase string          `json:"subdomainBase"` // production's subdomain; the others end in "--<subdomainBase>"
	SourceType    string          `json:"sourceType"`
	SourceConfig  json.RawMessage `json:"sourceConfig"`
	DefaultBranch string          `json:"defaultBranch"`
	// AllowedEnvNames are the guarded env var names a platform admin
	// allows for the project (see CheckEnvName), sorted; never null.
	AllowedEnvNames []string  `json:"allowedEnvNames"`
	CreatedBy       uuid.UUID `json:"createdBy"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// Source is a Mastra project a source provider found.
type Source struct {
	Type           string `json:"type"`
	Name           string `json:"name"`
	Path           string `json:"path"`
	PackageManager string `json:"packageManager"`
	HasEntry       bool   `json:"hasEntry"` // src/mastra/index.ts exists
}
