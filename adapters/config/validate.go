package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Validate reports every problem in c at once, each naming its variable.
// Error messages never contain a secret or a database password.
func (c Config) Validate() error {
	var errs []error
	add := func(env string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", env, err))
		}
	}

	add(EnvDatabaseURL, checkDatabaseURL(c.DatabaseURL))
	add(EnvClickHouseURL, checkClickHouseURL(c.ClickHouseURL))
	apiPort, err := checkAddr(c.Addr)
	add(EnvAddr, err)
	proxyPort, err := checkAddr(c.ProxyAddr)
	add(EnvProxyAddr, err)
	if err := c.PortRange.validate(); err != nil {
		add(EnvPortRange, fmt.Errorf("%s: %w", c.PortRange, err))
	} else {
		for _, a := range []struct {
			env  string
			port int
		}{{EnvAddr, apiPort}, {EnvProxyAddr, proxyPort}} {
			if a.port > 0 && c.PortRange.Contains(a.port) {
				add(EnvPortRange, fmt.Errorf("%s contains port %d of %s", c.PortRange, a.port, a.env))
			}
		}
	}
	if apiPort > 0 && apiPort == proxyPort && sameHost(c.Addr, c.ProxyAddr) {
		add(EnvProxyAddr, fmt.Errorf("port %d is already used by %s", proxyPort, EnvAddr))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		add(EnvDataDir, errors.New("must not be empty"))
	}
	if _, err := c.FileStorage(); err != nil {
		add(EnvFileStorageURL, err)
	}
	add(EnvRedisURL, checkRedisURL(c.RedisURL))
	if c.EncryptionKey.IsSet() {
		add(EnvEncryptionKey, checkKey(c.EncryptionKey.Reveal(), 32, "a 32-byte key (generate one with: openssl rand -base64 32)"))
	}
	if c.LicensePubKey != "" {
		add(EnvLicensePubKey, checkKey(c.LicensePubKey, 32, "a 32-byte ed25519 public key"))
	}
	if c.SupabaseURL != "" {
		add(EnvSupabaseURL, checkHTTPURL(c.SupabaseURL))
	}
	if c.OIDCIssuerURL != "" || c.OIDCClientID != "" || c.OIDCClientSecret.IsSet() {
		if c.OIDCIssuerURL == "" {
			add(EnvOIDCIssuerURL, fmt.Errorf("must be set when %s or %s is", EnvOIDCClientID, EnvOIDCClientSecret))
		} else {
			add(EnvOIDCIssuerURL, checkHTTPURL(c.OIDCIssuerURL))
		}
		if c.OIDCClientID == "" {
			add(EnvOIDCClientID, fmt.Errorf("must be set when %s is", EnvOIDCIssuerURL))
		}
	}
	if _, err := logrus.ParseLevel(c.LogLevel); err != nil {
		add(EnvLogLevel, fmt.Errorf("unknown level %q: want trace, debug, info, warn, error, fatal or panic", c.LogLevel))
	}
	switch c.LogFormat {
	case "", LogFormatText, LogFormatJSON:
	default:
		add(EnvLogFormat, fmt.Errorf("unknown format %q: want text or json", c.LogFormat))
	}
	if c.BaseDomain != "" {
		add(EnvBaseDomain, checkDomain(c.BaseDomain))
	}
	for _, d := range []struct {
		env string
		v   time.Duration
	}{{EnvHealthTimeout, c.HealthTimeout}, {EnvDrain, c.Drain}, {EnvRouteCheckInterval, c.RouteCheckInterval},
		{EnvRestartWindow, c.RestartWindow}, {EnvRestartBackoff, c.RestartBackoff}} {
		if d.v <= 0 {
			add(d.env, fmt.Errorf("must be positive, got %s", d.v))
		}
	}
	if c.MaxRestarts < 1 || c.MaxRestarts > 1000 {
		add(EnvMaxRestarts, fmt.Errorf("must be between 1 and 1000, got %d", c.MaxRestarts))
	}
	if c.RouteCheckThreshold < 1 || c.RouteCheckThreshold > 100 {
		add(EnvRouteCheckThreshold, fmt.Errorf("must be between 1 and 100, got %d", c.RouteCheckThreshold))
	}
	if c.ShutdownTimeout <= 0 {
		add(EnvShutdownTimeout, fmt.Errorf("must be positive, got %s", c.ShutdownTimeout))
	}
	if c.PublicURL != "" {
		_, err := ParseOrigin(c.PublicURL)
		add(EnvPublicURL, err)
	}
	if c.SupabaseProvider != "" && !validProvider(c.SupabaseProvider) {
		add(EnvSupabaseProvider, fmt.Errorf("%q: want a Supabase provider name such as github, google or azure", c.SupabaseProvider))
	}
	if c.DashboardOrigin != "" {
		for _, err := range originErrors(c.DashboardOrigin) {
			add(EnvDashboardOrigin, err)
		}
	}
	if c.BuildConcurrency < 1 || c.BuildConcurrency > 64 {
		add(EnvBuildConcurrency, fmt.Errorf("must be between 1 and 64, got %d", c.BuildConcurrency))
	}
	return errors.Join(errs...)
}

// checkDatabaseURL accepts a postgres:// URL or a keyword/value connection
// string. The URL itself is never quoted back: it may hold a password.
func checkDatabaseURL(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	if !strings.Contains(s, "://") {
		return nil // keyword/value form, "host=... dbname=..."; pgx checks it on connect
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme %q: want postgres://", u.Scheme)
	}
	return nil
}

// checkClickHouseURL accepts an empty value (ClickHouse off) or a URL with
// a clickhouse or tcp scheme (the native protocol) and a host; the
// ClickHouse adapter reads the rest (database, http=, insert=).
func checkClickHouseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid URL")
	}
	switch u.Scheme {
	case "clickhouse", "tcp":
	default:
		return fmt.Errorf("scheme %q: want clickhouse://host:9000/database (the native protocol; add ?http=http://host:8123 for the HTTP interface)", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	return nil
}

// checkAddr checks a HOST:PORT listen address and returns its port.
func checkAddr(addr string) (int, error) {
	_, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("%q: want HOST:PORT such as 127.0.0.1:3001 or :3001", addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return 0, fmt.Errorf("%q: port must be a number from 0 to 65535", addr)
	}
	return port, nil
}

// sameHost reports whether two listen addresses could collide: the same
// host, or either one listening on all interfaces.
func sameHost(a, b string) bool {
	ha, _, _ := net.SplitHostPort(a)
	hb, _, _ := net.SplitHostPort(b)
	wild := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wild(ha) || wild(hb)
}

// checkKey checks that s is standard base64 of size bytes. The value is
// never quoted back.
func checkKey(s string, size int, what string) error {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("is not standard base64; want %s", what)
	}
	if len(b) != size {
		return fmt.Errorf("decodes to %d bytes; want %s", len(b), what)
	}
	return nil
}

// checkHTTPURL checks an absolute http or https URL.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an absolute http:// or https:// URL", s)
	}
	return nil
}

// validProvider accepts a provider name: lower-case letters, digits,
// dashes and underscores (Supabase's names: github, google, azure,
// linkedin_oidc, …).
func validProvider(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return len(s) <= 64
}

// checkDomain accepts a DNS name of two labels or more (apps.example.com),
// without scheme, port or path.
func checkDomain(s string) error {
	d := strings.TrimSuffix(strings.ToLower(s), ".")
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a domain name like apps.example.com", s)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("%q is not a domain name like apps.example.com", s)
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("%q is not a domain name like apps.example.com (no scheme, port or path)", s)
			}
		}
	}
	return nil
}
