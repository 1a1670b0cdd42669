package local

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of TCP ports for servers
// (MASTRA_ADMIN_PORT_RANGE).
type PortRange struct{ First, Last int }

// ParsePortRange parses "4100-4199" (or one port, "4100").
func ParsePortRange(s string) (PortRange, error) {
	text := strings.TrimSpace(s)
	first, last, isRange := strings.Cut(text, "-")
	if !isRange {
		last = first
	}
	a, errA := parsePort(first)
	b, errB := parsePort(last)
	switch {
	case text == "":
		return PortRange{}, fmt.Errorf("port range is empty: write it as FIRST-LAST, e.g. 4100-4199")
	case errA != nil:
		return PortRange{}, fmt.Errorf("port range %q: first port: %w", s, errA)
	case errB != nil:
		return PortRange{}, fmt.Errorf("port range %q: last port: %w", s, errB)
	case a > b:
		return PortRange{}, fmt.Errorf("port range %q: the first port is after the last", s)
	}
	return PortRange{First: a, Last: b}, nil
}

func parsePort(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (write the range as FIRST-LAST, e.g. 4100-4199)", s)
	}
	if n < 1 || n > 65535 {
		return 0, fmt.Errorf("%d is not between 1 and 65535", n)
	}
	return n, nil
}

// String is the range as ParsePortRange reads it.
func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// Size is how many ports the range holds.
func (r PortRange) Size() int { return r.Last - r.First + 1 }

// Contains reports whether port is in the range.
func (r PortRange) Contains(port int) bool { return port >= r.First && port <= r.Last }

// PortFree reports whether a server could listen on host:port now (empty
// host: 127.0.0.1): it listens there and lets go. Another process may
// take the port right after; a server then fails with EADDRINUSE.
func PortFree(host string, port int) bool {
	if host == "" {
		host = "127.0.0.1"
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
