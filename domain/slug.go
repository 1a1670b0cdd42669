package domain

import (
	"regexp"
	"strings"
)

// MaxSlugLen keeps "<deployment-slug>--<project-slug>" within a DNS label.
const MaxSlugLen = 30

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// ValidateSlug checks a URL and DNS safe slug: lower-case letters, digits
// and single hyphens, at most MaxSlugLen long. "--" is reserved as the
// separator of preview subdomains.
func ValidateSlug(what, s string) error {
	switch {
	case s == "":
		return Errorf(KindInvalid, "%s slug must not be empty", what)
	case len(s) > MaxSlugLen:
		return Errorf(KindInvalid, "%s slug %q is longer than %d characters", what, s, MaxSlugLen)
	case strings.Contains(s, "--"):
		return Errorf(KindInvalid, "%s slug %q must not contain \"--\"", what, s)
	case !slugPattern.MatchString(s):
		return Errorf(KindInvalid, "%s slug %q: use lower-case letters, digits and hyphens, starting and ending with a letter or digit", what, s)
	}
	return nil
}

// Slugify derives a slug from a name; it returns "" when nothing usable is left.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > MaxSlugLen {
		s = strings.TrimRight(s[:MaxSlugLen], "-")
	}
	return s
}

// ValidateName checks a display name: 1 to 100 characters after trimming,
// no control characters. It returns the trimmed name.
func ValidateName(what, name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", Errorf(KindInvalid, "%s name must not be empty", what)
	}
	if len([]rune(n)) > 100 {
		return "", Errorf(KindInvalid, "%s name is longer than 100 characters", what)
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return "", Errorf(KindInvalid, "%s name must not contain control characters", what)
		}
	}
	return n, nil
}
