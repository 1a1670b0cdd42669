package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// redactedText replaces a secret wherever a Secret is printed or encoded.
const redactedText = "[redacted]"

// Secret is a configuration value that must never be printed: fmt, JSON and
// text encoding (and so logrus) show "[redacted]" instead. Read the value
// with Reveal, only where it is used.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String returns "[redacted]", or "" when the secret is unset.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redactedText
}

// GoString masks the secret in %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText masks the secret in JSON and other text encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// PortRange is an inclusive range of TCP ports, written FIRST-LAST.
type PortRange struct {
	First, Last int
}

// ParsePortRange parses "FIRST-LAST", such as "4100-4199".
func ParsePortRange(s string) (PortRange, error) {
	first, last, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return PortRange{}, fmt.Errorf("port range %q: want FIRST-LAST such as 4100-4199", s)
	}
	f, ferr := strconv.Atoi(strings.TrimSpace(first))
	l, lerr := strconv.Atoi(strings.TrimSpace(last))
	if ferr != nil || lerr != nil {
		return PortRange{}, fmt.Errorf("port range %q: want FIRST-LAST such as 4100-4199", s)
	}
	r := PortRange{First: f, Last: l}
	if err := r.validate(); err != nil {
		return PortRange{}, fmt.Errorf("port range %q: %w", s, err)
	}
	return r, nil
}

func (r PortRange) validate() error {
	if r.First < 1 || r.Last > 65535 {
		return errors.New("ports must be between 1 and 65535")
	}
	if r.First > r.Last {
		return errors.New("first port is greater than last port")
	}
	return nil
}

// Contains reports whether port is in the range.
func (r PortRange) Contains(port int) bool { return port >= r.First && port <= r.Last }

// Size returns how many ports the range holds.
func (r PortRange) Size() int { return r.Last - r.First + 1 }

// String returns "FIRST-LAST".
func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// Set parses s into r; with Type it makes *PortRange a pflag.Value.
func (r *PortRange) Set(s string) error {
	p, err := ParsePortRange(s)
	if err != nil {
		return err
	}
	*r = p
	return nil
}

// Type names the flag's value in help.
func (r *PortRange) Type() string { return "range" }

// stringValue, urlValue, secretValue and durationValue bind Config fields to
// pflag.

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Type() string       { return "string" }

// urlValue holds a URL that may carry a password; Redacted masks it.
type urlValue string

func (v *urlValue) Set(s string) error { *v = urlValue(s); return nil }
func (v *urlValue) String() string     { return string(*v) }
func (v *urlValue) Type() string       { return "string" }

type secretValue Secret

func (v *secretValue) Set(s string) error { *v = secretValue(s); return nil }
func (v *secretValue) String() string     { return Secret(*v).String() }
func (v *secretValue) Type() string       { return "string" }

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit such as 30s or 2m", s)
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) Type() string   { return "duration" }

// daysValue is a duration that also takes whole days: 30d.
type daysValue time.Duration

func (v *daysValue) Set(s string) error {
	d, err := ParseDays(s)
	if err != nil {
		return err
	}
	*v = daysValue(d)
	return nil
}
func (v *daysValue) String() string { return time.Duration(*v).String() }
func (v *daysValue) Type() string   { return "duration" }

// ParseDays parses a duration such as 720h, or whole days such as 30d; it
// refuses negative values.
func ParseDays(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	var d time.Duration
	if n, ok := strings.CutSuffix(t, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("duration %q: want whole days such as 30d, or a duration such as 720h", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil {
			return 0, fmt.Errorf("duration %q: want whole days such as 30d, or a duration such as 720h", s)
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return d, nil
}

// dsnPassword finds password=... in a keyword/value connection string.
var dsnPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// redactURL masks the password of a URL (user:password@ or a password query
// parameter) or of a keyword/value connection string.
func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		if strings.Contains(s, "://") {
			return redactedText // a URL too broken to find its password in
		}
		return dsnPassword.ReplaceAllString(s, "${1}xxxxx")
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q[k] = []string{"xxxxx"}
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted()
}

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a whole number: %q", s)
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Type() string   { return "int" }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not true or false: %q", s)
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Type() string   { return "bool" }

// IsBoolFlag lets --flag alone mean --flag=true.
func (v *boolValue) IsBoolFlag() bool { return true }
