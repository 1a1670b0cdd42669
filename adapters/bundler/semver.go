package bundler

import (
	"fmt"
	"regexp"
	"strconv"
)

// version is a release version: major, minor, patch; pre marks a
// pre-release (1.16.0-alpha.1 comes before 1.16.0).
type version struct {
	n   [3]int
	pre bool
}

var versionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// parseVersion reads "1.71.0" (a leading v, a pre-release and build
// metadata are allowed).
func parseVersion(s string) (version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return version{}, fmt.Errorf("%q is not a version", s)
	}
	var v version
	for i := range 3 {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return version{}, fmt.Errorf("%q is not a version: %w", s, err)
		}
		v.n[i] = n
	}
	v.pre = m[4] != ""
	return v, nil
}

// less reports whether v comes before w (pre-releases of one version
// are not ordered among themselves).
func (v version) less(w version) bool {
	for i := range 3 {
		if v.n[i] != w.n[i] {
			return v.n[i] < w.n[i]
		}
	}
	return v.pre && !w.pre
}

// caret reports whether v is in ^min: the same major version, min or later.
func (v version) caret(min version) bool {
	return v.n[0] == min.n[0] && !v.less(min)
}

func (v version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.n[0], v.n[1], v.n[2])
}
