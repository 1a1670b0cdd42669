package obsjsonl

import (
	"encoding/json"
	"math/bits"
	"slices"
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

// newScanner returns a scanner of s.
func newScanner(s string) (scanner, bool) {
	return scanner{s: s}, true
}

// maxScanDepth bounds the nesting the scanner follows; deeper values are
// left to encoding/json (whose own limit is 10,000).
const maxScanDepth = 64

// load64 returns the 8 bytes of s from i as a little-endian number (one
// load: the compiler merges the byte loads).
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) ws() {
	for s.i < len(s.s) && s.s[s.i] <= ' ' && isSpace(s.s[s.i]) {
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
// between the quotes and whether it has escapes. A control character in
// it makes it invalid.
func (s *scanner) str() (content string, escaped, ok bool) {
	content, escaped, _, ok = s.strASCII()
	return content, escaped, ok
}

// strASCII is str, also telling whether the content may hold bytes
// above 0x7F (when false it is ASCII).
func (s *scanner) strASCII() (content string, escaped, high, ok bool) {
	start := s.i + 1
	// Most strings (keys, IDs, names) end within 8 bytes or hold nothing
	// special before they do.
	if start+8 <= len(s.s) {
		x := load64(s.s, start)
		if m := specialBytes(x); m != 0 {
			if n := bits.TrailingZeros64(m) >> 3; s.s[start+n] == '"' {
				s.i = start + n + 1
				return s.s[start : start+n], false, x&highs&(1<<(n*8)-1) != 0, true
			}
		}
	}
	return s.strRest(start)
}

// strRest is strASCII from start, the first byte of the content.
func (s *scanner) strRest(start int) (content string, escaped, high, ok bool) {
	var highBits uint64
	for i := start; ; {
		var h uint64
		i, h = nextSpecial(s.s, i)
		highBits |= h
		switch {
		case i < 0:
			return "", false, false, false
		case s.s[i] == '"':
			s.i = i + 1
			return s.s[start:i], escaped, highBits != 0, true
		case s.s[i] != '\\': // a control character
			return "", false, false, false
		}
		escaped = true
		if i+1 >= len(s.s) {
			return "", false, false, false
		}
		switch s.s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > len(s.s) || !isHex4(s.s[i+2:i+6]) {
				return "", false, false, false
			}
			i += 6
		default:
			return "", false, false, false
		}
	}
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// specialBytes marks the bytes of x (8 bytes of a string, little-endian)
// that end a plain run of a JSON string: '"', '\\' and control
// characters. The lowest mark is exact (marks above it may be borrows),
// so bits.TrailingZeros64(m)>>3 is the index of the first such byte.
func specialBytes(x uint64) uint64 {
	q, b := x^('"'*ones), x^('\\'*ones) // zero bytes where x has '"' or '\\'
	// A byte below 0x20 borrows in x - 0x20…20 and sets its own high bit,
	// which ^x keeps for bytes below 0x80.
	return ((q-ones)&^q | (b-ones)&^b | (x-0x20*ones)&^x) & highs
}

// nextSpecial returns the index of the first '"', '\\' or control
// character of s at or after i, or -1, looking at 8 bytes at a time, and
// the high bits of the bytes it looked at: not 0 when one of them (or a
// byte after the one found, in the same 8) is above 0x7F.
func nextSpecial(s string, i int) (int, uint64) {
	var high uint64
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		high |= x & highs
		if m := specialBytes(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3, high
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		high |= uint64(c & 0x80)
		if c == '"' || c == '\\' || c < 0x20 {
			return i, high
		}
	}
	return -1, high
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
	content, escaped, high, ok := s.strASCII()
	if !ok {
		return "", false
	}
	if !escaped && (!high || utf8.ValidString(content)) {
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

// next skips white space and returns the next byte, or 0 at the end.
func (s *scanner) next() byte {
	for ; s.i < len(s.s); s.i++ {
		if c := s.s[s.i]; c > ' ' || !isSpace(c) {
			return c
		}
	}
	return 0
}

// skip reads any JSON value at s.i (after white space) and checks it, in
// one loop that keeps the open objects and arrays as bits: deeper than
// maxScanDepth it says no.
func (s *scanner) skip() bool {
	var objects uint64 // bit d: the value open at depth d is an object
	depth := 0
	for {
		// A value.
		switch c := s.next(); c {
		case '"':
			if _, _, ok := s.str(); !ok {
				return false
			}
		case '{', '[':
			if depth == maxScanDepth {
				return false
			}
			s.i++
			end := byte(']')
			if c == '{' {
				end = '}'
			}
			if s.next() == end {
				s.i++
				break
			}
			objects &^= 1 << depth
			if c == '{' {
				objects |= 1 << depth
				if !s.key() {
					return false
				}
			}
			depth++
			continue
		case 't':
			if !s.literal("true") {
				return false
			}
		case 'f':
			if !s.literal("false") {
				return false
			}
		case 'n':
			if !s.literal("null") {
				return false
			}
		default:
			if !s.number() {
				return false
			}
		}
		// After a value: the end of the open objects and arrays it
		// ends, then a comma and the next value (after its key in an
		// object).
		for {
			if depth == 0 {
				return true
			}
			inObject := objects&(1<<(depth-1)) != 0
			c := s.next()
			if c == ',' {
				s.i++
				if inObject && !s.key() {
					return false
				}
				break
			}
			if inObject && c == '}' || !inObject && c == ']' {
				s.i++
				depth--
				continue
			}
			return false
		}
	}
}

// key reads a key and its colon.
func (s *scanner) key() bool {
	if s.next() != '"' {
		return false
	}
	if _, _, ok := s.str(); !ok || s.next() != ':' {
		return false
	}
	s.i++
	return true
}

// value reads any JSON value at s.i (after white space) and returns its
// text, as encoding/json gives it to a json.RawMessage.
func (s *scanner) value() (string, bool) {
	s.next()
	start := s.i
	if !s.skip() {
		return "", false
	}
	return s.s[start:s.i], true
}

// keyOrder is the order in which a writer puts the keys of an object, for
// the scanner to try the expected key first: a comparison instead of
// reading the key. Keys in another order are read as usual.
type keyOrder struct {
	names  []string
	quoted []string // "name":
	// words and masks hold quoted keys of up to 16 bytes as two
	// little-endian words and the masks of their bytes, for at.
	words, masks [][2]uint64
}

func newKeyOrder(names ...string) *keyOrder {
	o := &keyOrder{names: names}
	for _, n := range names {
		q := `"` + n + `":`
		o.quoted = append(o.quoted, q)
		var w, m [2]uint64
		for i := 0; i < len(q) && i < 16; i++ {
			w[i/8] |= uint64(q[i]) << (8 * (i % 8))
			m[i/8] |= 0xFF << (8 * (i % 8))
		}
		o.words, o.masks = append(o.words, w), append(o.masks, m)
	}
	return o
}

// at reports whether s holds the k-th quoted key at i.
func (o *keyOrder) at(s string, i, k int) bool {
	if len(o.quoted[k]) > 16 || i+16 > len(s) {
		return strings.HasPrefix(s[i:], o.quoted[k])
	}
	w, m := &o.words[k], &o.masks[k]
	return load64(s, i)&m[0] == w[0] && load64(s, i+8)&m[1] == w[1]
}

// object reads an object at s.i (after white space) and gives each key
// (as written: without escapes, or it says no) to field, which reads the
// value (s.i is at it, after white space). order, when not nil, is the
// order the keys are expected in. It checks that nothing but white space
// follows when whole.
func (s *scanner) object(whole bool, order *keyOrder, field func(key string) bool) bool {
	if s.next() != '{' {
		return false
	}
	s.i++
	if s.next() == '}' {
		s.i++
	} else {
		k := 0 // the expected key's index in order
		for {
			if s.next() != '"' {
				return false
			}
			var key string
			if order != nil && k < len(order.quoted) && order.at(s.s, s.i, k) {
				key = order.names[k]
				s.i += len(order.quoted[k])
				k++
			} else {
				var escaped, ok bool
				key, escaped, ok = s.str()
				if !ok || escaped || s.next() != ':' {
					return false
				}
				s.i++
				if order != nil {
					if j := slices.Index(order.names, key); j >= 0 {
						k = j + 1
					}
				}
			}
			s.next()
			if !field(key) {
				return false
			}
			if c := s.next(); c != ',' {
				if c != '}' {
					return false
				}
				s.i++
				break
			}
			s.i++
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
