package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is the whole process configuration. Load fills it from the
// environment, BindFlags lets flags override it, and Validate checks it.
type Config struct {
	// DatabaseURL locates the event store and read models; the database is created if missing.
	DatabaseURL string
	// ClickHouseURL locates the observability store; empty turns
	// ClickHouse off: no migrations, no ingestion.
	ClickHouseURL string
	// Addr is the listen address of the API, WebSocket and dashboard.
	Addr string
	// ProxyAddr is the listen address of the edge router.
	ProxyAddr string
	// PortRange holds the ports handed to deployed servers.
	PortRange PortRange
	// DataDir holds build directories, local file storage and generated keys.
	DataDir string
	// FileStorageURL locates the file storage (build logs, later artifacts'
	// manifests and observability files); empty means file://<DataDir>/storage.
	// file:// is a local directory, s3:// and gs:// a bucket; see
	// FileStorage.
	FileStorageURL string
	// RedisURL locates the Redis that fans live build-log lines out across
	// replicas; empty keeps them within this process.
	RedisURL string
	// RedisPrefix starts every Redis key this installation uses, so that
	// installations (and tests) can share one Redis.
	RedisPrefix string
	// ProjectsDir lists colon-separated base directories scanned for local
	// projects; see ProjectsDirs.
	ProjectsDir string
	// EncryptionKey is a base64 32-byte key for env var encryption; when
	// empty one is generated into DataDir on first run.
	EncryptionKey Secret
	// LicenseKey is the signed license key; empty means the community tier.
	LicenseKey Secret
	// LicensePubKey is a base64 ed25519 public key that overrides the
	// built-in vendor key; empty means the built-in key.
	LicensePubKey string
	// SupabaseJWTSecret verifies Supabase access tokens signed HS256.
	SupabaseJWTSecret Secret
	// SupabaseURL is a Supabase project whose JWKS verifies access tokens.
	SupabaseURL string
	// OIDCIssuerURL, OIDCClientID and OIDCClientSecret configure SSO.
	OIDCIssuerURL    string
	OIDCClientID     string
	OIDCClientSecret Secret
	// LogLevel is a logrus level name.
	LogLevel string
	// LogFormat is LogFormatText, LogFormatJSON, or empty for text on a
	// terminal and JSON otherwise.
	LogFormat string
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration
	// Node is the node binary builds run with (empty: node from PATH).
	Node string
	// BuildConcurrency bounds the builds this process runs at once; the
	// license bounds those of all replicas together.
	BuildConcurrency int
	// BuildUser is the user build commands run as (empty: the admin's own).
	BuildUser string
	// BaseDomain, when set, makes routes answer <subdomain>.<BaseDomain>
	// too, and public URLs use it.
	BaseDomain string
	// HealthTimeout bounds a new server's wait for its first 200 from
	// GET /health.
	HealthTimeout time.Duration
	// Drain is how long a replaced or stopped server keeps serving its
	// in-flight requests before it is stopped.
	Drain time.Duration
	// RouteCheckInterval is how often the router probes each active
	// route; RouteCheckThreshold failed probes in a row mark it unhealthy.
	RouteCheckInterval  time.Duration
	RouteCheckThreshold int
	// MaxRestarts is how many times a deployment's crashed servers are
	// restarted within RestartWindow before it is failed; the n-th
	// restart waits RestartBackoff·2ⁿ⁻¹ (at most a minute).
	MaxRestarts    int
	RestartWindow  time.Duration
	RestartBackoff time.Duration
	// Retention drops observability data (spans, logs, markers) older
	// than this, a month partition at a time; 0 keeps everything.
	Retention time.Duration
	// IngestDelete deletes ingested observability files instead of moving
	// them under processed/ in file storage.
	IngestDelete bool
	// InjectEntry has builds add the MastraAdmin entry (forced port and
	// host, JSONL spans and logs); without it servers run the bundle's
	// index.mjs and report nothing.
	InjectEntry bool
	// DashboardOrigin lists, comma-separated, the browser origins
	// (scheme://host[:port]) that may open the API's WebSockets; empty
	// means those of Addr on localhost (see DashboardOrigins).
	DashboardOrigin string
	// PublicURL is the dashboard's address as browsers reach it
	// (scheme://host[:port]): the base of the redirect URLs identity
	// providers send people back to; https makes the session cookie
	// Secure. Empty: each request's own host.
	PublicURL string
	// SupabaseProvider is the provider Supabase's hosted sign-in uses on
	// the dashboard (github, google, …); empty means github.
	SupabaseProvider string
}

// Environment variable names.
const (
	EnvDatabaseURL         = "DATABASE_URL"
	EnvClickHouseURL       = "CLICKHOUSE_URL"
	EnvAddr                = "MASTRA_ADMIN_ADDR"
	EnvProxyAddr           = "MASTRA_ADMIN_PROXY_ADDR"
	EnvPortRange           = "MASTRA_ADMIN_PORT_RANGE"
	EnvDataDir             = "MASTRA_ADMIN_DATA_DIR"
	EnvFileStorageURL      = "FILE_STORAGE_URL"
	EnvRedisURL            = "REDIS_URL"
	EnvRedisPrefix         = "MASTRA_ADMIN_REDIS_PREFIX"
	EnvProjectsDir         = "PROJECTS_DIR"
	EnvEncryptionKey       = "MASTRA_ADMIN_ENCRYPTION_KEY"
	EnvLicenseKey          = "MASTRA_ADMIN_LICENSE_KEY"
	EnvLicensePubKey       = "MASTRA_ADMIN_LICENSE_PUBKEY"
	EnvSupabaseJWTSecret   = "SUPABASE_JWT_SECRET"
	EnvSupabaseURL         = "SUPABASE_URL"
	EnvOIDCIssuerURL       = "OIDC_ISSUER_URL"
	EnvOIDCClientID        = "OIDC_CLIENT_ID"
	EnvOIDCClientSecret    = "OIDC_CLIENT_SECRET"
	EnvLogLevel            = "LOG_LEVEL"
	EnvLogFormat           = "LOG_FORMAT"
	EnvShutdownTimeout     = "MASTRA_ADMIN_SHUTDOWN_TIMEOUT"
	EnvNode                = "MASTRA_ADMIN_NODE"
	EnvBuildConcurrency    = "MASTRA_ADMIN_BUILD_CONCURRENCY"
	EnvBuildUser           = "MASTRA_ADMIN_BUILD_USER"
	EnvBaseDomain          = "MASTRA_ADMIN_BASE_DOMAIN"
	EnvHealthTimeout       = "MASTRA_ADMIN_HEALTH_TIMEOUT"
	EnvDrain               = "MASTRA_ADMIN_DRAIN"
	EnvRouteCheckInterval  = "MASTRA_ADMIN_ROUTE_CHECK_INTERVAL"
	EnvRouteCheckThreshold = "MASTRA_ADMIN_ROUTE_CHECK_THRESHOLD"
	EnvInjectEntry         = "MASTRA_ADMIN_INJECT_ENTRY"
	EnvMaxRestarts         = "MASTRA_ADMIN_MAX_RESTARTS"
	EnvRestartWindow       = "MASTRA_ADMIN_RESTART_WINDOW"
	EnvRestartBackoff      = "MASTRA_ADMIN_RESTART_BACKOFF"
	EnvDashboardOrigin     = "MASTRA_ADMIN_DASHBOARD_ORIGIN"
	EnvRetention           = "MASTRA_ADMIN_RETENTION"
	EnvIngestDelete        = "MASTRA_ADMIN_INGEST_DELETE"
	EnvPublicURL           = "MASTRA_ADMIN_PUBLIC_URL"
	EnvSupabaseProvider    = "MASTRA_ADMIN_SUPABASE_PROVIDER"
)

// Log formats.
const (
	LogFormatText = "text"
	LogFormatJSON = "json"
)

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		DatabaseURL:         "postgres://postgres@localhost:5432/mastra_admin?sslmode=disable",
		ClickHouseURL:       "clickhouse://localhost:9000/default",
		Addr:                "127.0.0.1:3001",
		ProxyAddr:           "127.0.0.1:3100",
		PortRange:           PortRange{First: 4100, Last: 4199},
		DataDir:             "./.mastra-admin",
		ProjectsDir:         "..",
		RedisPrefix:         "mastra-admin:",
		LogLevel:            "info",
		ShutdownTimeout:     30 * time.Second,
		BuildConcurrency:    2,
		HealthTimeout:       60 * time.Second,
		Drain:               10 * time.Second,
		RouteCheckInterval:  5 * time.Second,
		RouteCheckThreshold: 3,
		InjectEntry:         true,
		MaxRestarts:         5,
		RestartWindow:       10 * time.Minute,
		RestartBackoff:      time.Second,
	}
}

// variable describes one configuration variable: its environment name, its
// flag and where it lives in a Config.
type variable struct {
	env   string
	alias string // a shorter extra flag name, if any
	usage string
	value func(c *Config) pflag.Value
}

// variables lists every configuration variable once; Load, BindFlags and
// Redacted all walk it.
var variables = []variable{
	{env: EnvDatabaseURL, usage: "Postgres URL of the event store; the database is created if missing",
		value: func(c *Config) pflag.Value { return (*urlValue)(&c.DatabaseURL) }},
	{env: EnvClickHouseURL, usage: "ClickHouse URL of the observability store; empty turns it off",
		value: func(c *Config) pflag.Value { return (*urlValue)(&c.ClickHouseURL) }},
	{env: EnvAddr, alias: "addr", usage: "listen address of the API, WebSocket and dashboard",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.Addr) }},
	{env: EnvProxyAddr, usage: "listen address of the edge router",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.ProxyAddr) }},
	{env: EnvPortRange, usage: "ports for deployed servers, FIRST-LAST",
		value: func(c *Config) pflag.Value { return &c.PortRange }},
	{env: EnvDataDir, alias: "data-dir", usage: "directory for builds, local file storage and generated keys",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.DataDir) }},
	{env: EnvFileStorageURL, usage: "file storage for build logs: file:///path, s3://bucket?region=… or gs://bucket (unset means file://<data dir>/storage)",
		value: func(c *Config) pflag.Value { return (*urlValue)(&c.FileStorageURL) }},
	{env: EnvRedisURL, usage: "Redis URL (redis://host:6379/0) that fans live build-log lines out across replicas; unset keeps them in this process",
		value: func(c *Config) pflag.Value { return (*urlValue)(&c.RedisURL) }},
	{env: EnvRedisPrefix, usage: "prefix of every Redis key this installation uses",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.RedisPrefix) }},
	{env: EnvProjectsDir, usage: "colon-separated base directories scanned for local projects",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.ProjectsDir) }},
	{env: EnvEncryptionKey, usage: "base64 32-byte key for env var encryption; generated into the data dir when unset (prefer the environment)",
		value: func(c *Config) pflag.Value { return (*secretValue)(&c.EncryptionKey) }},
	{env: EnvLicenseKey, usage: "signed license key; unset means the community tier (prefer the environment)",
		value: func(c *Config) pflag.Value { return (*secretValue)(&c.LicenseKey) }},
	{env: EnvLicensePubKey, usage: "base64 ed25519 public key that verifies license keys instead of the built-in one",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.LicensePubKey) }},
	{env: EnvSupabaseJWTSecret, usage: "accept Supabase access tokens signed HS256 with this secret (prefer the environment)",
		value: func(c *Config) pflag.Value { return (*secretValue)(&c.SupabaseJWTSecret) }},
	{env: EnvSupabaseURL, usage: "accept Supabase access tokens verified against this project's JWKS",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.SupabaseURL) }},
	{env: EnvOIDCIssuerURL, usage: "OIDC issuer URL for SSO",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.OIDCIssuerURL) }},
	{env: EnvOIDCClientID, usage: "OIDC client ID for SSO",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.OIDCClientID) }},
	{env: EnvOIDCClientSecret, usage: "OIDC client secret for SSO (prefer the environment)",
		value: func(c *Config) pflag.Value { return (*secretValue)(&c.OIDCClientSecret) }},
	{env: EnvLogLevel, usage: "log level: trace, debug, info, warn, error, fatal or panic",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.LogLevel) }},
	{env: EnvLogFormat, usage: "log format: text or json; unset means text on a terminal, else json",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.LogFormat) }},
	{env: EnvShutdownTimeout, usage: "how long a graceful shutdown may take",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.ShutdownTimeout) }},
	{env: EnvNode, usage: "node binary for builds (Node.js 22.13 or later); unset means node from PATH",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.Node) }},
	{env: EnvBuildConcurrency, usage: "builds this process runs at once (the license bounds all replicas together)",
		value: func(c *Config) pflag.Value { return (*intValue)(&c.BuildConcurrency) }},
	{env: EnvBuildUser, usage: "user build commands run as, so that they cannot read the admin's files (needs root); unset means the admin's own user",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.BuildUser) }},
	{env: EnvBaseDomain, usage: "routes also answer <subdomain>.<base domain>, and public URLs use it; unset means <subdomain>.localhost",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.BaseDomain) }},
	{env: EnvHealthTimeout, usage: "how long a new server has to answer GET /health with 200 before its deploy fails",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.HealthTimeout) }},
	{env: EnvDrain, usage: "how long a replaced or stopped server keeps serving its in-flight requests before it is stopped",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.Drain) }},
	{env: EnvRouteCheckInterval, usage: "how often the router probes GET /health of each active route",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.RouteCheckInterval) }},
	{env: EnvRouteCheckThreshold, usage: "failed probes in a row that make a route unhealthy (502) until one passes",
		value: func(c *Config) pflag.Value { return (*intValue)(&c.RouteCheckThreshold) }},
	{env: EnvInjectEntry, usage: "builds add the MastraAdmin entry that forces the port and writes spans and logs as JSONL; false runs the bundle's index.mjs, unobserved",
		value: func(c *Config) pflag.Value { return (*boolValue)(&c.InjectEntry) }},
	{env: EnvMaxRestarts, usage: "restarts of a deployment's crashed servers within the restart window before it is failed (its route then answers 503)",
		value: func(c *Config) pflag.Value { return (*intValue)(&c.MaxRestarts) }},
	{env: EnvRestartWindow, usage: "the window in which crash restarts are counted",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.RestartWindow) }},
	{env: EnvRestartBackoff, usage: "the wait before the first crash restart, doubling for each next one (at most a minute)",
		value: func(c *Config) pflag.Value { return (*durationValue)(&c.RestartBackoff) }},
	{env: EnvDashboardOrigin, usage: "browser origins (scheme://host[:port], comma-separated) allowed to open WebSockets; unset means MASTRA_ADMIN_PUBLIC_URL and http://localhost:<port> and http://127.0.0.1:<port> of MASTRA_ADMIN_ADDR",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.DashboardOrigin) }},
	{env: EnvRetention, usage: "drop spans, logs and deploy markers older than this (e.g. 30d or 720h), a month at a time; 0 keeps everything",
		value: func(c *Config) pflag.Value { return (*daysValue)(&c.Retention) }},
	{env: EnvIngestDelete, usage: "delete observability files once ingested into ClickHouse instead of moving them under processed/",
		value: func(c *Config) pflag.Value { return (*boolValue)(&c.IngestDelete) }},
	{env: EnvPublicURL, usage: "the dashboard's address as browsers reach it (scheme://host[:port]): base of sign-in redirect URLs, allowed WebSocket origin, https makes cookies Secure; unset means each request's own host",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.PublicURL) }},
	{env: EnvSupabaseProvider, usage: "provider of the dashboard's \"Sign in with Supabase\" (github, google, …); unset means github",
		value: func(c *Config) pflag.Value { return (*stringValue)(&c.SupabaseProvider) }},
}

// FlagName returns the flag that overrides the environment variable env:
// its name lower-cased with dashes.
func FlagName(env string) string {
	return strings.ReplaceAll(strings.ToLower(env), "_", "-")
}

// Load returns the defaults overridden by every variable that lookup finds
// (pass os.LookupEnv). A value that does not parse is reported, naming its
// variable, and leaves the default in place; Load does not Validate.
func Load(lookup func(string) (string, bool)) (Config, error) {
	c := Defaults()
	var errs []error
	for _, v := range variables {
		s, ok := lookup(v.env)
		if !ok {
			continue
		}
		if err := v.value(&c).Set(s); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.env, err))
		}
	}
	return c, errors.Join(errs...)
}

// BindFlags registers one flag per variable on fs, bound to c's fields, so
// that parsing fs overrides whatever c holds (typically the result of Load).
// MASTRA_ADMIN_ADDR and MASTRA_ADMIN_DATA_DIR also get the short aliases
// --addr and --data-dir. Help shows the built-in defaults, never the
// current values, so secrets from the environment cannot leak into it.
func (c *Config) BindFlags(fs *pflag.FlagSet) {
	defaults := Defaults()
	for _, v := range variables {
		name := FlagName(v.env)
		val := v.value(c)
		usage := fmt.Sprintf("%s (env %s)", v.usage, v.env)
		fs.Var(val, name, usage)
		fs.Lookup(name).DefValue = v.value(&defaults).String()
		if v.alias != "" {
			fs.Var(val, v.alias, "same as --"+name)
			fs.Lookup(v.alias).DefValue = v.value(&defaults).String()
		}
	}
}

// ProjectsDirs returns the directories of ProjectsDir, split on the
// platform's list separator (a colon on Unix), without empty entries.
func (c Config) ProjectsDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(c.ProjectsDir) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// Redacted returns every variable keyed by its environment name, with
// secrets replaced by "[redacted]" (or "" when unset) and passwords inside
// URLs masked, so that the result may be logged.
func (c Config) Redacted() map[string]string {
	out := make(map[string]string, len(variables))
	for _, v := range variables {
		val := v.value(&c)
		switch val := val.(type) {
		case *urlValue:
			out[v.env] = redactURL(string(*val))
		default:
			out[v.env] = val.String()
		}
	}
	return out
}

// String renders the configuration as KEY=value pairs, in the order of the
// contract's table, with secrets masked as in Redacted.
func (c Config) String() string {
	r := c.Redacted()
	parts := make([]string, 0, len(variables))
	for _, v := range variables {
		parts = append(parts, v.env+"="+r[v.env])
	}
	return strings.Join(parts, " ")
}

// GoString masks secrets in %#v as String does.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// MarshalJSON encodes Redacted, so that a Config logged as JSON hides its
// secrets too. A Config does not round-trip through JSON.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.Redacted()) }
