package obsjsonl

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// scanner reads JSON text without reflection: the fast path of the
// parser. It takes only what it is sure encoding/json takes the same way,
// and says no to the rest (invalid JSON, keys or values it leaves to
// encoding/json); the caller then decodes the input with encoding/json,
// so the result and the reason for a malformed line are encoding/json's.
type scanner struct {
	s string
	i int
}

// newScanner returns a scanner of s, or false when s has a control
// character (a byte below 0x20): a tab, carriage return or line feed as
// white space is JSON, any of them in a string is not, and the scanner
// leaves both to encoding/json so that its strings need no check for them.
func newScanner(s string) (scanner, bool) {
	return scanner{s: s}, !hasControl(s)
}

// maxScanDepth bounds the nesting the scanner follows; deeper values are
// left to encoding/json (whose own limit is 10,000).
const maxScanDepth = 1000

// hasControl reports whether s has a byte below 0x20, 8 bytes at a time.
func hasControl(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// A byte of x below 0x20 borrows in x - 0x20…20 and sets its own
		// high bit, which ^x keeps for bytes below 0x80.
		if x := load64(s, i); (x-0x20*ones)&^x&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 {
			return true
		}
	}
	return false
}

// load64 returns the 8 bytes of s from i as a little-endian number (one
// load: the compiler merges the byte loads).
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) ws() {
	for s.i < len(s.s) && isSpace(s.s[s.i]) {
		s.i++
	}
}

// peek returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.s) {
		return s.s[s.i]
	}
	return 0
}

// str reads a string at s.i (which holds '"') and returns its content
// between the quotes and whether it has escapes. (Control characters were
// ruled out by newScanner.)
func (s *scanner) str() (content string, escaped, ok bool) {
	start := s.i + 1
	i := start
	// Short strings (keys, IDs) end before it pays to search.
	for end := min(start+16, len(s.s)); i < end && s.s[i] != '\\'; i++ {
		if s.s[i] == '"' {
			s.i = i + 1
			return s.s[start:i], false, true
		}
	}
	q := -1 // the next '"' at or after i
	for {
		if q < i {
			j := strings.IndexByte(s.s[i:], '"')
			if j < 0 {
				return "", false, false
			}
			q = i + j
		}
		k := strings.IndexByte(s.s[i:q], '\\')
		if k < 0 {
			s.i = q + 1
			return s.s[start:q], escaped, true
		}
		escaped = true
		i += k
		if i+1 >= len(s.s) {
			return "", false, false
		}
		switch s.s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > len(s.s) || !isHex4(s.s[i+2:i+6]) {
				return "", false, false
			}
			i += 6
		default:
			return "", false, false
		}
	}
}

func isHex4(h string) bool {
	for i := 0; i < 4; i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// stringValue reads a string at s.i and returns it decoded as
// encoding/json decodes it: the content itself when it has no escapes
// and is valid UTF-8, else what encoding/json makes of it.
func (s *scanner) stringValue() (string, bool) {
	start := s.i
	content, escaped, ok := s.str()
	if !ok {
		return "", false
	}
	if !escaped && utf8.ValidString(content) {
		return content, true
	}
	var v string
	if json.Unmarshal([]byte(s.s[start:s.i]), &v) != nil {
		return "", false
	}
	return v, true
}

// literal reads the literal lit (true, false or null) at s.i.
func (s *scanner) literal(lit string) bool {
	if strings.HasPrefix(s.s[s.i:], lit) {
		s.i += len(lit)
		return true
	}
	return false
}

// number reads a number at s.i, as JSON's grammar has it.
func (s *scanner) number() bool {
	i := s.i
	if i < len(s.s) && s.s[i] == '-' {
		i++
	}
	switch {
	case i < len(s.s) && s.s[i] == '0':
		i++
	case i < len(s.s) && '1' <= s.s[i] && s.s[i] <= '9':
		i = digits(s.s, i)
	default:
		return false
	}
	if i < len(s.s) && s.s[i] == '.' {
		j := digits(s.s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s.s) && (s.s[i] == 'e' || s.s[i] == 'E') {
		i++
		if i < len(s.s) && (s.s[i] == '+' || s.s[i] == '-') {
			i++
		}
		j := digits(s.s, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

// digits returns the index after the decimal digits of s from i.
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// skip reads any JSON value at s.i (after white space) and checks it.
func (s *scanner) skip(depth int) bool {
	s.ws()
	switch c := s.peek(); c {
	case '"':
		_, _, ok := s.str()
		return ok
	case '{', '[':
		if depth >= maxScanDepth {
			return false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.ws()
		if s.peek() == end {
			s.i++
			return true
		}
		for {
			if c == '{' {
				s.ws()
				if s.peek() != '"' {
					return false
				}
				if _, _, ok := s.str(); !ok {
					return false
				}
				s.ws()
				if s.peek() != ':' {
					return false
				}
				s.i++
			}
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case end:
				s.i++
				return true
			default:
				return false
			}
		}
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

// value reads any JSON value at s.i (after white space) and returns its
// text, as encoding/json gives it to a json.RawMessage.
func (s *scanner) value() (string, bool) {
	s.ws()
	start := s.i
	if !s.skip(0) {
		return "", false
	}
	return s.s[start:s.i], true
}

// object reads an object at s.i (after white space) and gives each key
// (as written: without escapes, or it says no) to field, which reads the
// value. It checks that nothing but white space follows when whole.
func (s *scanner) object(whole bool, field func(key string) bool) bool {
	s.ws()
	if s.peek() != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			s.ws()
			if s.peek() != '"' {
				return false
			}
			key, escaped, ok := s.str()
			if !ok || escaped {
				return false
			}
			s.ws()
			if s.peek() != ':' {
				return false
			}
			s.i++
			s.ws()
			if !field(key) {
				return false
			}
			s.ws()
			if s.peek() == ',' {
				s.i++
				continue
			}
			if s.peek() != '}' {
				return false
			}
			s.i++
			break
		}
	}
	if whole {
		s.ws()
		return s.i == len(s.s)
	}
	return true
}

// structKey tells how encoding/json matches key against the names of a
// struct's fields: the index of the field whose name is key; -1 when no
// field's name matches, even ignoring case; -2 when one matches only
// ignoring case, or key is not ASCII (encoding/json's folding is its own:
// leave such a key to it).
func structKey(key string, names []string) int {
	for i, n := range names {
		if key == n {
			return i
		}
	}
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return -2
		}
	}
	for _, n := range names {
		if len(key) == len(n) && strings.EqualFold(key, n) {
			return -2
		}
	}
	return -1
}
