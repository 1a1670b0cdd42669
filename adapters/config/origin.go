package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DashboardOrigins returns the browser origins that may open the API's
// WebSockets: those of DashboardOrigin, normalized by ParseOrigin, or,
// when it is empty, the PublicURL's origin (when set) and
// http://localhost:<port> and http://127.0.0.1:<port> for the port of Addr
// (and http://<host>:<port> when Addr names another host). It assumes
// Validate passed; an origin that does not parse is left out.
func (c Config) DashboardOrigins() []string {
	if strings.TrimSpace(c.DashboardOrigin) != "" {
		var out []string
		for _, s := range strings.Split(c.DashboardOrigin, ",") {
			if o, err := ParseOrigin(s); err == nil {
				out = append(out, o)
			}
		}
		return out
	}
	var out []string
	if o, err := ParseOrigin(c.PublicURL); err == nil {
		out = append(out, o)
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return out
	}
	hosts := []string{"localhost", "127.0.0.1"}
	switch h := strings.ToLower(host); h {
	case "", "0.0.0.0", "::", "localhost", "127.0.0.1":
	default:
		hosts = append(hosts, h)
	}
	for _, h := range hosts {
		if o, err := ParseOrigin("http://" + net.JoinHostPort(h, port)); err == nil {
			out = append(out, o)
		}
	}
	return out
}

// ParseOrigin checks a browser origin, scheme://host[:port] with an http
// or https scheme and nothing after the port, and returns it as browsers
// send it in an Origin header: scheme and host lower-cased, the scheme's
// default port left out.
func ParseOrigin(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("origin %q: want scheme://host[:port] such as https://admin.example.com", s)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("origin %q: want an http:// or https:// origin such as https://admin.example.com", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("origin %q: has no host", s)
	case u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", fmt.Errorf("origin %q: want only scheme://host[:port], without user, path, query or fragment", s)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("origin %q: port must be a number from 1 to 65535", s)
		}
		port = strconv.Itoa(n)
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// originErrors checks a comma-separated list of origins: one error per
// bad origin, or one when the list names none.
func originErrors(s string) []error {
	var errs []error
	n := 0
	for _, o := range strings.Split(s, ",") {
		if strings.TrimSpace(o) == "" {
			continue
		}
		n++
		if _, err := ParseOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("%q names no origin; want scheme://host[:port], comma-separated", s))
	}
	return errs
}
