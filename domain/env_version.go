package domain

// EnvSource says which layer a server's env var came from: the project's
// env vars, or its deployment's overrides (which win).
type EnvSource string

// The env sources.
const (
	EnvFromProject    EnvSource = "project"
	EnvFromDeployment EnvSource = "deployment"
)

// EnvVersion names one version of an env var in its layer. Version n is
// the n-th EnvVarSet (project) or EnvOverrideSet (deployment) of the key
// in that layer's stream, counted from 1; a removal does not reset the
// count, so a key set again after a removal gets the next number.
type EnvVersion struct {
	Source  EnvSource `json:"source"`
	Version int       `json:"version"`
}

// SealedVar is one version of an env var as events carry it: its
// ciphertext (sealed with the project's data key under the key, or, for
// an override, under the deployment-bound name), never its value.
type SealedVar struct {
	Key        string    `json:"key"`
	Source     EnvSource `json:"source"`
	Version    int       `json:"version"`
	Secret     bool      `json:"secret"`
	Nonce      []byte    `json:"nonce"`
	Ciphertext []byte    `json:"ciphertext"`
}

// EnvVersion returns the version v names.
func (v SealedVar) EnvVersion() EnvVersion { return EnvVersion{Source: v.Source, Version: v.Version} }
