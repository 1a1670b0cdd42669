package local

import (
	"net/http"
	"strings"
)

// hopHeader reports whether k (canonical) is a hop-by-hop header, one that
// concerns a single connection and is never forwarded.
func hopHeader(k string) bool {
	switch k {
	case "Connection", "Keep-Alive", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return strings.HasPrefix(k, "Proxy-")
}

// forwardingHeader reports whether k (canonical) is one the router sets
// itself: a client's value is never passed on.
func forwardingHeader(k string) bool {
	switch k {
	case "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix",
		"X-Forwarded-Port", "X-Real-Ip", "Forwarded":
		return true
	}
	return false
}

// connectionTokens returns the header names a Connection header lists
// (canonical), or nil when it lists none besides keep-alive/close.
func connectionTokens(h http.Header) []string {
	var out []string
	for _, v := range h["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			tok = strings.TrimSpace(tok)
			switch strings.ToLower(tok) {
			case "", "keep-alive", "close", "upgrade":
				continue
			}
			out = append(out, http.CanonicalHeaderKey(tok))
		}
	}
	return out
}

func listed(k string, tokens []string) bool {
	for _, t := range tokens {
		if t == k {
			return true
		}
	}
	return false
}

// hasToken reports whether a comma-separated header of h lists token
// (case-insensitive).
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h[name] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// upgradeOf returns the protocol r asks to upgrade to, or "".
func upgradeOf(r *http.Request) string {
	up := r.Header.Get("Upgrade")
	if up == "" || !hasToken(r.Header, "Connection", "upgrade") {
		return ""
	}
	return up
}

// copyResponseHeader copies src into dst, without hop-by-hop headers.
// The value slices are shared, not copied: src is not used afterwards.
func copyResponseHeader(dst, src http.Header) {
	tokens := connectionTokens(src)
	for k, vv := range src {
		if hopHeader(k) || listed(k, tokens) {
			continue
		}
		dst[k] = vv
	}
}
