package clickhouse

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Insert paths (Config.Insert).
const (
	// InsertExternal sends the rows as an external table over the native
	// protocol and runs INSERT INTO t SELECT … FROM it.
	InsertExternal = "external"
	// InsertHTTP posts the rows in the Native format to the HTTP interface.
	InsertHTTP = "http"
)

// Config says where ClickHouse is.
type Config struct {
	// Addr is the native protocol's host:port (default 127.0.0.1:9000).
	Addr string
	// HTTPURL is the HTTP interface (default http://<Addr's host>:8123).
	HTTPURL  string
	Database string // created when missing (default mastra_admin)
	User     string // default "default"
	Password string
	// Insert chooses the insert path: InsertExternal (default) or InsertHTTP.
	Insert      string
	DialTimeout time.Duration // default 5s
	// BatchRows bounds the rows of one INSERT (default 200,000).
	BatchRows int
	// WrapInsert, when set, wraps the chosen Inserter (instrumentation,
	// or a test's injected failures).
	WrapInsert func(Inserter) Inserter
}

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:9000"
	}
	if c.HTTPURL == "" {
		host, _, err := net.SplitHostPort(c.Addr)
		if err != nil {
			host = c.Addr
		}
		c.HTTPURL = "http://" + net.JoinHostPort(host, "8123")
	}
	if c.Database == "" {
		c.Database = "mastra_admin"
	}
	if c.User == "" {
		c.User = "default"
	}
	if c.Insert == "" {
		c.Insert = InsertExternal
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.BatchRows == 0 {
		c.BatchRows = 200_000
	}
}

// Validate reports what is wrong with the settings.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("clickhouse: address %q is not host:port: %w", c.Addr, err))
	}
	if u, err := url.Parse(c.HTTPURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("clickhouse: HTTP URL %q is not an http(s) URL", c.HTTPURL))
	}
	if !identifier(c.Database) {
		errs = append(errs, fmt.Errorf("clickhouse: database name %q must be letters, digits and underscores", c.Database))
	}
	if c.Insert != InsertExternal && c.Insert != InsertHTTP {
		errs = append(errs, fmt.Errorf("clickhouse: insert path %q is neither %q nor %q", c.Insert, InsertExternal, InsertHTTP))
	}
	if c.BatchRows < 0 {
		errs = append(errs, errors.New("clickhouse: batch rows must be positive"))
	}
	return errors.Join(errs...)
}

// ParseURL reads a CLICKHOUSE_URL:
// clickhouse://[user[:password]@]host:port[/database][?http=<url>&insert=external|http].
// The port is the native protocol's (default 9000); http is the HTTP
// interface (default the same host, port 8123).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("clickhouse: parse URL: %w", err)
	}
	if u.Scheme != "clickhouse" && u.Scheme != "tcp" {
		return Config{}, fmt.Errorf("clickhouse: URL scheme %q: want clickhouse://host:port/database", u.Scheme)
	}
	if u.Hostname() == "" {
		return Config{}, errors.New("clickhouse: the URL names no host")
	}
	c := Config{Addr: u.Host, Database: strings.Trim(u.Path, "/")}
	if u.Port() == "" {
		c.Addr = net.JoinHostPort(u.Hostname(), "9000")
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "http" && k != "insert" {
			return Config{}, fmt.Errorf("clickhouse: unknown URL parameter %q (known: http, insert)", k)
		}
	}
	c.HTTPURL, c.Insert = q.Get("http"), q.Get("insert")
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
