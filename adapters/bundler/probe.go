package bundler

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

//go:embed assets/probe.mjs
var probeJS string

// probe is what assets/probe.mjs reports about a bundle.
type probe struct {
	Core          *pkgInfo `json:"core"`
	Observability *pkgInfo `json:"observability"`
	// Missing is what of @mastra/core's API the entry needs and lacks.
	Missing []string `json:"missing"`
	// Project is the project's package.json name.
	Project string `json:"project"`
}

// pkgInfo is a package the bundle resolves.
type pkgInfo struct {
	Version string `json:"version"`
	Dir     string `json:"dir"`
}

// parseProbe reads the probe's report: the last line of its output that
// is one (a project's code may print too).
func parseProbe(out []byte) (probe, error) {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var p struct {
			Marker int `json:"mastraAdminProbe"`
			probe
		}
		if json.Unmarshal([]byte(lines[i]), &p) == nil && p.Marker == 1 {
			return p.probe, nil
		}
	}
	return probe{}, errors.New("probe the bundle's Mastra: no report in its output")
}

// check fails a bundle whose @mastra/core the entry cannot instrument:
// none, one older than min, or one that lacks part of the API.
func (p probe) check(min version) error {
	const why = "MastraAdmin reports a server's traces and logs through it"
	if p.Core == nil {
		return fmt.Errorf("the bundle does not resolve @mastra/core: a Mastra project depends on @mastra/core %s or later", min)
	}
	v, err := parseVersion(p.Core.Version)
	if err != nil {
		return fmt.Errorf("the project's @mastra/core has no readable version (%q): it needs %s or later", p.Core.Version, min)
	}
	if v.less(min) {
		return fmt.Errorf("the project uses @mastra/core %s, which is too old for MastraAdmin: it needs %s or later (%s); upgrade @mastra/core and mastra",
			p.Core.Version, min, why)
	}
	if len(p.Missing) > 0 {
		return fmt.Errorf("the project's @mastra/core %s lacks what MastraAdmin needs (%s): %s; upgrade @mastra/core and mastra",
			p.Core.Version, why, strings.Join(p.Missing, ", "))
	}
	return nil
}

// observability returns the project's own @mastra/observability when it
// is in ^want.
func (p probe) observability(want version) (string, bool) {
	if p.Observability == nil {
		return "", false
	}
	v, err := parseVersion(p.Observability.Version)
	if err != nil || !v.caret(want) {
		return "", false
	}
	return p.Observability.Version, true
}
