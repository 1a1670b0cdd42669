package deployment

import (
	"slices"
	"strings"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// RunEnv is the env a server of a deployment runs with, folded from the
// events of its project's stream and of its own: each project env var
// with its version, replaced by the deployment's override of the same
// key where there is one. Versions count the sets of each key in its
// stream (domain.EnvVersion). The result is sorted by key; events of
// other kinds are skipped.
func RunEnv(projectEvents, deploymentEvents []domain.Event) []domain.SealedVar {
	vars := EnvLayer(projectEvents)
	for k, v := range EnvLayer(deploymentEvents) {
		vars[k] = v
	}
	out := make([]domain.SealedVar, 0, len(vars))
	for _, v := range vars {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b domain.SealedVar) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// EnvLayer folds one stream's env events (a project's env vars or a
// deployment's overrides) into the vars set now, by key, each with its
// version.
func EnvLayer(events []domain.Event) map[string]domain.SealedVar {
	vars := map[string]domain.SealedVar{}
	sets := map[string]int{}
	set := func(key string, src domain.EnvSource, secret bool, nonce, ct []byte) {
		sets[key]++
		vars[key] = domain.SealedVar{Key: key, Source: src, Version: sets[key], Secret: secret, Nonce: nonce, Ciphertext: ct}
	}
	for _, e := range events {
		switch e := e.(type) {
		case project.EnvVarSet:
			set(e.Key, domain.EnvFromProject, e.Secret, e.Nonce, e.Ciphertext)
		case project.EnvVarRemoved:
			delete(vars, e.Key)
		case EnvOverrideSet:
			set(e.Key, domain.EnvFromDeployment, e.Secret, e.Nonce, e.Ciphertext)
		case EnvOverrideRemoved:
			delete(vars, e.Key)
		}
	}
	return vars
}

// EnvAt returns the given versions of a deployment's env vars, sealed, from
// its project's and its own events: the env a server that received those
// versions ran with (a recovery restarts a crashed server with it). A
// version no longer found in the events is reported missing.
func EnvAt(projectEvents, deploymentEvents []domain.Event, versions map[string]domain.EnvVersion) (vars []domain.SealedVar, missing []string) {
	all := map[domain.EnvVersion]map[string]domain.SealedVar{}
	sets := map[domain.EnvSource]map[string]int{domain.EnvFromProject: {}, domain.EnvFromDeployment: {}}
	add := func(key string, src domain.EnvSource, secret bool, nonce, ct []byte) {
		sets[src][key]++
		v := domain.SealedVar{Key: key, Source: src, Version: sets[src][key], Secret: secret, Nonce: nonce, Ciphertext: ct}
		if all[v.EnvVersion()] == nil {
			all[v.EnvVersion()] = map[string]domain.SealedVar{}
		}
		all[v.EnvVersion()][key] = v
	}
	for _, events := range [][]domain.Event{projectEvents, deploymentEvents} {
		for _, e := range events {
			switch e := e.(type) {
			case project.EnvVarSet:
				add(e.Key, domain.EnvFromProject, e.Secret, e.Nonce, e.Ciphertext)
			case EnvOverrideSet:
				add(e.Key, domain.EnvFromDeployment, e.Secret, e.Nonce, e.Ciphertext)
			}
		}
	}
	for key, ver := range versions {
		v, ok := all[ver][key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		vars = append(vars, v)
	}
	slices.SortFunc(vars, func(a, b domain.SealedVar) int { return strings.Compare(a.Key, b.Key) })
	slices.Sort(missing)
	return vars, missing
}
