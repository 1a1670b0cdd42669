package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr []string
	}{
		{
			name:  "defaults",
			env:   nil,
			check: func(t *testing.T, c Config) { assert.Equal(t, Defaults(), c) },
		},
		{
			name: "every variable",
			env: map[string]string{
				EnvDatabaseURL:         "postgres://u@db:5432/x",
				EnvClickHouseURL:       "clickhouse://ch:9000/obs",
				EnvAddr:                ":8080",
				EnvProxyAddr:           "0.0.0.0:8081",
				EnvPortRange:           "5000-5009",
				EnvDataDir:             "/var/lib/ma",
				EnvProjectsDir:         "/a:/b",
				EnvFileStorageURL:      "file:///srv/storage",
				EnvRedisURL:            "redis://127.0.0.1:6379/2",
				EnvRedisPrefix:         "ma1:",
				EnvEncryptionKey:       "ek",
				EnvLicenseKey:          "lk",
				EnvLicensePubKey:       "pk",
				EnvSupabaseJWTSecret:   "sjs",
				EnvSupabaseURL:         "https://x.supabase.co",
				EnvOIDCIssuerURL:       "https://idp.example.com",
				EnvOIDCClientID:        "cid",
				EnvOIDCClientSecret:    "cs",
				EnvLogLevel:            "debug",
				EnvLogFormat:           "json",
				EnvShutdownTimeout:     "5s",
				EnvNode:                "/opt/node22/bin/node",
				EnvBuildConcurrency:    "3",
				EnvBuildUser:           "builder",
				EnvBaseDomain:          "apps.example.com",
				EnvHealthTimeout:       "30s",
				EnvDrain:               "2s",
				EnvRouteCheckInterval:  "1s",
				EnvRouteCheckThreshold: "5",
				EnvInjectEntry:         "false",
				EnvDashboardOrigin:     "https://admin.example.com",
				EnvMaxRestarts:         "3",
				EnvRestartWindow:       "5m",
				EnvRestartBackoff:      "2s",
			},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, Config{
					DatabaseURL:         "postgres://u@db:5432/x",
					ClickHouseURL:       "clickhouse://ch:9000/obs",
					Addr:                ":8080",
					ProxyAddr:           "0.0.0.0:8081",
					PortRange:           PortRange{First: 5000, Last: 5009},
					DataDir:             "/var/lib/ma",
					ProjectsDir:         "/a:/b",
					FileStorageURL:      "file:///srv/storage",
					RedisURL:            "redis://127.0.0.1:6379/2",
					RedisPrefix:         "ma1:",
					EncryptionKey:       "ek",
					LicenseKey:          "lk",
					LicensePubKey:       "pk",
					SupabaseJWTSecret:   "sjs",
					SupabaseURL:         "https://x.supabase.co",
					OIDCIssuerURL:       "https://idp.example.com",
					OIDCClientID:        "cid",
					OIDCClientSecret:    "cs",
					LogLevel:            "debug",
					LogFormat:           "json",
					ShutdownTimeout:     5 * time.Second,
					Node:                "/opt/node22/bin/node",
					BuildConcurrency:    3,
					BuildUser:           "builder",
					BaseDomain:          "apps.example.com",
					HealthTimeout:       30 * time.Second,
					Drain:               2 * time.Second,
					RouteCheckInterval:  time.Second,
					RouteCheckThreshold: 5,
					DashboardOrigin:     "https://admin.example.com",
					MaxRestarts:         3,
					RestartWindow:       5 * time.Minute,
					RestartBackoff:      2 * time.Second,
				}, c)
				assert.Equal(t, []string{"/a", "/b"}, c.ProjectsDirs())
			},
		},
		{
			name:  "present but empty turns clickhouse off",
			env:   map[string]string{EnvClickHouseURL: ""},
			check: func(t *testing.T, c Config) { assert.Empty(t, c.ClickHouseURL) },
		},
		{
			name:    "bad port range",
			env:     map[string]string{EnvPortRange: "4100:4199"},
			wantErr: []string{`MASTRA_ADMIN_PORT_RANGE: port range "4100:4199": want FIRST-LAST such as 4100-4199`},
		},
		{
			name:    "bad build concurrency",
			env:     map[string]string{EnvBuildConcurrency: "two"},
			wantErr: []string{`MASTRA_ADMIN_BUILD_CONCURRENCY: not a whole number: "two"`},
		},
		{
			name:    "bad duration",
			env:     map[string]string{EnvShutdownTimeout: "30"},
			wantErr: []string{`MASTRA_ADMIN_SHUTDOWN_TIMEOUT: duration "30": want a number with a unit such as 30s or 2m`},
		},
		{
			name: "every bad value is reported",
			env:  map[string]string{EnvPortRange: "x", EnvShutdownTimeout: "y"},
			wantErr: []string{
				"MASTRA_ADMIN_PORT_RANGE: ",
				"MASTRA_ADMIN_SHUTDOWN_TIMEOUT: ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.env))
			if tt.wantErr != nil {
				require.Error(t, err)
				for _, want := range tt.wantErr {
					assert.Contains(t, err.Error(), want)
				}
				return
			}
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

func TestBindFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{
			name: "flag overrides env",
			env:  map[string]string{EnvDatabaseURL: "postgres://env/db", EnvLogLevel: "warn"},
			args: []string{"--database-url", "postgres://flag/db"},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, "postgres://flag/db", c.DatabaseURL)
				assert.Equal(t, "warn", c.LogLevel, "env kept where no flag is given")
			},
		},
		{
			name: "long names of every kind",
			args: []string{
				"--mastra-admin-addr=:1", "--mastra-admin-port-range=6000-6001",
				"--mastra-admin-encryption-key=k", "--mastra-admin-shutdown-timeout=1m",
				"--log-format=text", "--oidc-client-secret=s", "--projects-dir=/p",
			},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, ":1", c.Addr)
				assert.Equal(t, PortRange{6000, 6001}, c.PortRange)
				assert.Equal(t, "k", c.EncryptionKey.Reveal())
				assert.Equal(t, time.Minute, c.ShutdownTimeout)
				assert.Equal(t, "text", c.LogFormat)
				assert.Equal(t, "s", c.OIDCClientSecret.Reveal())
				assert.Equal(t, "/p", c.ProjectsDir)
			},
		},
		{
			name: "aliases",
			args: []string{"--addr", ":9", "--data-dir", "/d"},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, ":9", c.Addr)
				assert.Equal(t, "/d", c.DataDir)
			},
		},
		{
			name:    "bad port range flag",
			args:    []string{"--mastra-admin-port-range", "4199-4100"},
			wantErr: `port range "4199-4100": first port is greater than last port`,
		},
		{
			name:    "bad duration flag",
			args:    []string{"--mastra-admin-shutdown-timeout", "soon"},
			wantErr: `duration "soon"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.env))
			require.NoError(t, err)
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.BindFlags(fs)
			err = fs.Parse(tt.args)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

func TestBindFlagsNamesEveryVariable(t *testing.T) {
	t.Parallel()
	var c Config
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	c.BindFlags(fs)
	for _, v := range variables {
		name := strings.ReplaceAll(strings.ToLower(v.env), "_", "-")
		f := fs.Lookup(name)
		if assert.NotNil(t, f, name) {
			assert.Contains(t, f.Usage, "(env "+v.env+")")
		}
	}
	assert.Len(t, variables, 38, "one entry per variable of API.md plus MASTRA_ADMIN_SHUTDOWN_TIMEOUT, the build, serving and Redis settings, the dashboard origin, retention, ingest-delete, the public URL and the Supabase provider")
}

func TestHelpShowsDefaultsNotEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		EnvDatabaseURL:   "postgres://u:hunter2@db/x",
		EnvEncryptionKey: "topsecretkey",
	}))
	require.NoError(t, err)
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	c.BindFlags(fs)
	help := fs.FlagUsages()
	assert.NotContains(t, help, "hunter2")
	assert.NotContains(t, help, "topsecretkey")
	assert.Contains(t, help, `(default "postgres://postgres@localhost:5432/mastra_admin?sslmode=disable")`)
	assert.Contains(t, help, "(default 4100-4199)")
	assert.Equal(t, "postgres://u:hunter2@db/x", c.DatabaseURL, "help does not change the value")
}

func valid() Config { return Defaults() }

func TestValidate(t *testing.T) {
	t.Parallel()
	key32 := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" // 32 zero bytes
	tests := []struct {
		name    string
		mutate  func(c *Config)
		wantErr []string
	}{
		{name: "defaults", mutate: func(*Config) {}},
		{name: "everything set", mutate: func(c *Config) {
			c.EncryptionKey = Secret(key32)
			c.LicensePubKey = key32
			c.SupabaseURL = "https://x.supabase.co"
			c.OIDCIssuerURL, c.OIDCClientID, c.OIDCClientSecret = "https://idp", "id", "s"
			c.LogFormat = "json"
			c.Addr, c.ProxyAddr = ":0", ":0"
			c.DatabaseURL = "host=localhost dbname=x"
		}},
		{name: "clickhouse off", mutate: func(c *Config) { c.ClickHouseURL = "" }},
		{name: "empty database url", mutate: func(c *Config) { c.DatabaseURL = "" },
			wantErr: []string{"DATABASE_URL: must not be empty"}},
		{name: "database url scheme", mutate: func(c *Config) { c.DatabaseURL = "mysql://u:pw@h/x" },
			wantErr: []string{`DATABASE_URL: scheme "mysql": want postgres://`}},
		{name: "clickhouse url", mutate: func(c *Config) { c.ClickHouseURL = "localhost:9000" },
			wantErr: []string{`CLICKHOUSE_URL: scheme "localhost"`}},
		{name: "addr without port", mutate: func(c *Config) { c.Addr = "127.0.0.1" },
			wantErr: []string{`MASTRA_ADMIN_ADDR: "127.0.0.1": want HOST:PORT such as 127.0.0.1:3001 or :3001`}},
		{name: "addr bad port", mutate: func(c *Config) { c.ProxyAddr = "localhost:http" },
			wantErr: []string{`MASTRA_ADMIN_PROXY_ADDR: "localhost:http": port must be a number from 0 to 65535`}},
		{name: "same port twice", mutate: func(c *Config) { c.ProxyAddr = "0.0.0.0:3001" },
			wantErr: []string{"MASTRA_ADMIN_PROXY_ADDR: port 3001 is already used by MASTRA_ADMIN_ADDR"}},
		{name: "port range reversed", mutate: func(c *Config) { c.PortRange = PortRange{4199, 4100} },
			wantErr: []string{"MASTRA_ADMIN_PORT_RANGE: 4199-4100: first port is greater than last port"}},
		{name: "port range out of bounds", mutate: func(c *Config) { c.PortRange = PortRange{0, 70000} },
			wantErr: []string{"MASTRA_ADMIN_PORT_RANGE: 0-70000: ports must be between 1 and 65535"}},
		{name: "port range holds the api port", mutate: func(c *Config) { c.PortRange = PortRange{3000, 3200} },
			wantErr: []string{
				"MASTRA_ADMIN_PORT_RANGE: 3000-3200 contains port 3001 of MASTRA_ADMIN_ADDR",
				"MASTRA_ADMIN_PORT_RANGE: 3000-3200 contains port 3100 of MASTRA_ADMIN_PROXY_ADDR",
			}},
		{name: "base domain", mutate: func(c *Config) { c.BaseDomain = "apps.example.com" }},
		{name: "base domain with a scheme", mutate: func(c *Config) { c.BaseDomain = "https://apps.example.com" },
			wantErr: []string{`MASTRA_ADMIN_BASE_DOMAIN: "https://apps.example.com" is not a domain name like apps.example.com`}},
		{name: "base domain of one label", mutate: func(c *Config) { c.BaseDomain = "apps" },
			wantErr: []string{`MASTRA_ADMIN_BASE_DOMAIN: "apps" is not a domain name like apps.example.com`}},
		{name: "serving durations", mutate: func(c *Config) {
			c.HealthTimeout, c.Drain, c.RouteCheckInterval, c.RouteCheckThreshold = 0, -time.Second, 0, 0
		},
			wantErr: []string{"MASTRA_ADMIN_HEALTH_TIMEOUT: must be positive, got 0s", "MASTRA_ADMIN_DRAIN: must be positive, got -1s",
				"MASTRA_ADMIN_ROUTE_CHECK_INTERVAL: must be positive, got 0s", "MASTRA_ADMIN_ROUTE_CHECK_THRESHOLD: must be between 1 and 100, got 0"}},
		{name: "empty data dir", mutate: func(c *Config) { c.DataDir = " " },
			wantErr: []string{"MASTRA_ADMIN_DATA_DIR: must not be empty"}},
		{name: "encryption key not base64", mutate: func(c *Config) { c.EncryptionKey = "not base64!" },
			wantErr: []string{"MASTRA_ADMIN_ENCRYPTION_KEY: is not standard base64; want a 32-byte key"}},
		{name: "encryption key too short", mutate: func(c *Config) { c.EncryptionKey = "c2hvcnQ=" },
			wantErr: []string{"MASTRA_ADMIN_ENCRYPTION_KEY: decodes to 5 bytes; want a 32-byte key"}},
		{name: "license public key", mutate: func(c *Config) { c.LicensePubKey = "c2hvcnQ=" },
			wantErr: []string{"MASTRA_ADMIN_LICENSE_PUBKEY: decodes to 5 bytes; want a 32-byte ed25519 public key"}},
		{name: "supabase url", mutate: func(c *Config) { c.SupabaseURL = "x.supabase.co" },
			wantErr: []string{`SUPABASE_URL: "x.supabase.co": want an absolute http:// or https:// URL`}},
		{name: "oidc without issuer", mutate: func(c *Config) { c.OIDCClientID = "id" },
			wantErr: []string{"OIDC_ISSUER_URL: must be set when OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is"}},
		{name: "oidc without client id", mutate: func(c *Config) { c.OIDCIssuerURL = "https://idp" },
			wantErr: []string{"OIDC_CLIENT_ID: must be set when OIDC_ISSUER_URL is"}},
		{name: "log level", mutate: func(c *Config) { c.LogLevel = "verbose" },
			wantErr: []string{`LOG_LEVEL: unknown level "verbose": want trace, debug, info, warn, error, fatal or panic`}},
		{name: "log format", mutate: func(c *Config) { c.LogFormat = "xml" },
			wantErr: []string{`LOG_FORMAT: unknown format "xml": want text or json`}},
		{name: "build concurrency", mutate: func(c *Config) { c.BuildConcurrency = 0 },
			wantErr: []string{"MASTRA_ADMIN_BUILD_CONCURRENCY: must be between 1 and 64, got 0"}},
		{name: "shutdown timeout", mutate: func(c *Config) { c.ShutdownTimeout = 0 },
			wantErr: []string{"MASTRA_ADMIN_SHUTDOWN_TIMEOUT: must be positive, got 0s"}},
		{name: "dashboard origins", mutate: func(c *Config) { c.DashboardOrigin = "https://admin.example.com, http://localhost:3000" }},
		{name: "dashboard origin with a path", mutate: func(c *Config) { c.DashboardOrigin = "https://admin.example.com/app" },
			wantErr: []string{`MASTRA_ADMIN_DASHBOARD_ORIGIN: origin "https://admin.example.com/app": want only scheme://host[:port]`}},
		{name: "dashboard origins each reported", mutate: func(c *Config) { c.DashboardOrigin = "admin.example.com,ftp://x,http://x:99999" },
			wantErr: []string{
				`MASTRA_ADMIN_DASHBOARD_ORIGIN: origin "admin.example.com": want an http:// or https:// origin`,
				`MASTRA_ADMIN_DASHBOARD_ORIGIN: origin "ftp://x": want an http:// or https:// origin`,
				`MASTRA_ADMIN_DASHBOARD_ORIGIN: origin "http://x:99999": port must be a number from 1 to 65535`,
			}},
		{name: "dashboard origin list of nothing", mutate: func(c *Config) { c.DashboardOrigin = " , " },
			wantErr: []string{`MASTRA_ADMIN_DASHBOARD_ORIGIN: " , " names no origin`}},
		{name: "public url and supabase provider", mutate: func(c *Config) { c.PublicURL, c.SupabaseProvider = "https://admin.example.com", "linkedin_oidc" }},
		{name: "public url with a path", mutate: func(c *Config) { c.PublicURL = "https://admin.example.com/dash" },
			wantErr: []string{`MASTRA_ADMIN_PUBLIC_URL: origin "https://admin.example.com/dash": want only scheme://host[:port]`}},
		{name: "supabase provider", mutate: func(c *Config) { c.SupabaseProvider = "GitHub&x=y" },
			wantErr: []string{`MASTRA_ADMIN_SUPABASE_PROVIDER: "GitHub&x=y": want a Supabase provider name`}},
		{name: "all problems at once", mutate: func(c *Config) { c.LogLevel, c.LogFormat, c.Addr = "x", "y", "z" },
			wantErr: []string{"LOG_LEVEL: ", "LOG_FORMAT: ", "MASTRA_ADMIN_ADDR: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
			assert.Len(t, strings.Split(err.Error(), "\n"), len(tt.wantErr), "one line per problem")
		})
	}
}

func TestValidateNeverQuotesSecrets(t *testing.T) {
	t.Parallel()
	c := valid()
	c.EncryptionKey = "hunter2-encryption"
	c.LicensePubKey = "hunter2-pubkey"
	c.DatabaseURL = "mysql://u:hunter2@db/x"
	err := c.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	c := valid()
	c.DatabaseURL = "postgres://admin:pg-secret@db:5432/x?sslmode=disable"
	c.ClickHouseURL = "clickhouse://default:ch-secret@ch:9000/default"
	c.EncryptionKey = "enc-secret"
	c.LicenseKey = "lic-secret"
	c.SupabaseJWTSecret = "supa-secret"
	c.OIDCClientSecret = "oidc-secret"

	var logText, logJSON bytes.Buffer
	for _, l := range []struct {
		out    *bytes.Buffer
		format string
	}{{&logText, "text"}, {&logJSON, "json"}} {
		lc := c
		lc.LogFormat = l.format
		log, err := newLogger(lc, l.out, false)
		require.NoError(t, err)
		log.WithField("config", c).WithField("key", c.EncryptionKey).Info("starting")
		log.WithFields(logrus.Fields{"redacted": c.Redacted()}).Info("starting")
	}
	js, err := json.Marshal(c)
	require.NoError(t, err)

	outputs := map[string]string{
		"String":  c.String(),
		"%v":      fmt.Sprintf("%v", c),
		"%+v":     fmt.Sprintf("%+v", c),
		"%#v":     fmt.Sprintf("%#v", c),
		"%s key":  fmt.Sprintf("%s %v %q %#v", c.LicenseKey, c.LicenseKey, c.LicenseKey, c.LicenseKey),
		"json":    string(js),
		"text":    logText.String(),
		"logjson": logJSON.String(),
		"map":     fmt.Sprint(c.Redacted()),
	}
	for name, out := range outputs {
		for _, secret := range []string{"pg-secret", "ch-secret", "enc-secret", "lic-secret", "supa-secret", "oidc-secret"} {
			assert.NotContains(t, out, secret, "%s leaks %s", name, secret)
		}
	}
	r := c.Redacted()
	assert.Equal(t, "[redacted]", r[EnvEncryptionKey])
	assert.Equal(t, "", r[EnvLicensePubKey])
	assert.Equal(t, "postgres://admin:xxxxx@db:5432/x?sslmode=disable", r[EnvDatabaseURL])
	assert.Equal(t, "4100-4199", r[EnvPortRange])
	assert.Equal(t, "30s", r[EnvShutdownTimeout])
	assert.Len(t, r, len(variables))
	assert.Equal(t, "enc-secret", c.EncryptionKey.Reveal(), "the value itself is intact")
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://postgres@localhost:5432/x?sslmode=disable", "postgres://postgres@localhost:5432/x?sslmode=disable"},
		{"postgres://u:p@h/x", "postgres://u:xxxxx@h/x"},
		{"postgres://u@h/x?password=p&sslmode=disable", "postgres://u@h/x?password=xxxxx&sslmode=disable"},
		{"host=h user=u password=p dbname=x", "host=h user=u password=xxxxx dbname=x"},
		{"host=h password='p q' dbname=x", "host=h password=xxxxx dbname=x"},
		{"postgres://u:p%zz@h/x", "[redacted]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactURL(tt.in), tt.in)
	}
}

func TestParsePortRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    PortRange
		wantErr string
	}{
		{in: "4100-4199", want: PortRange{4100, 4199}},
		{in: " 1 - 65535 ", want: PortRange{1, 65535}},
		{in: "5000-5000", want: PortRange{5000, 5000}},
		{in: "4100", wantErr: "want FIRST-LAST such as 4100-4199"},
		{in: "a-b", wantErr: "want FIRST-LAST such as 4100-4199"},
		{in: "4100-4199-4200", wantErr: "want FIRST-LAST such as 4100-4199"},
		{in: "0-10", wantErr: "ports must be between 1 and 65535"},
		{in: "9-8", wantErr: "first port is greater than last port"},
	}
	for _, tt := range tests {
		got, err := ParsePortRange(tt.in)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
		assert.Equal(t, tt.want.Last-tt.want.First+1, got.Size())
	}
	assert.True(t, PortRange{4100, 4199}.Contains(4100))
	assert.False(t, PortRange{4100, 4199}.Contains(4200))
}

func TestNewLogger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		level     string
		format    string
		tty       bool
		wantLevel logrus.Level
		wantJSON  bool
		wantErr   string
	}{
		{name: "terminal defaults to text", level: "info", tty: true, wantLevel: logrus.InfoLevel},
		{name: "pipe defaults to json", level: "debug", tty: false, wantLevel: logrus.DebugLevel, wantJSON: true},
		{name: "explicit json on a terminal", level: "warn", format: "json", tty: true, wantLevel: logrus.WarnLevel, wantJSON: true},
		{name: "explicit text on a pipe", level: "error", format: "text", wantLevel: logrus.ErrorLevel},
		{name: "bad level", level: "loud", wantErr: `LOG_LEVEL: unknown level "loud"`},
		{name: "bad format", level: "info", format: "xml", wantErr: `LOG_FORMAT: unknown format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			c.LogLevel, c.LogFormat = tt.level, tt.format
			var buf bytes.Buffer
			log, err := newLogger(c, &buf, tt.tty)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantLevel, log.Logger.GetLevel())
			log.WithField("stream_id", "s").Error("hello")
			var m map[string]any
			isJSON := json.Unmarshal(buf.Bytes(), &m) == nil
			assert.Equal(t, tt.wantJSON, isJSON, buf.String())
			assert.Contains(t, buf.String(), "hello")
		})
	}
}

func TestFileStorageAndRedis(t *testing.T) {
	t.Parallel()
	c := valid()
	c.DataDir = "/var/lib/ma"
	fs, err := c.FileStorage()
	require.NoError(t, err)
	assert.Equal(t, FileStorage{Dir: "/var/lib/ma/storage"}, fs, "the default is the data dir's storage folder")
	assert.False(t, fs.Cloud())
	for url, want := range map[string]FileStorage{
		"file:///srv/storage":          {Dir: "/srv/storage"},
		"file://localhost/srv/storage": {Dir: "/srv/storage"},
		"file://./rel/storage":         {Dir: "rel/storage"},
		"s3://bucket?endpoint=http://minio:9000&region=x&use_path_style=true": {
			BucketURL: "s3://bucket?endpoint=http://minio:9000&region=x&use_path_style=true"},
		"s3://bucket":               {BucketURL: "s3://bucket"},
		"s3://bucket/":              {BucketURL: "s3://bucket/"},
		"gs://bucket":               {BucketURL: "gs://bucket"},
		"gs://bucket?prefix=admin/": {BucketURL: "gs://bucket?prefix=admin/"},
	} {
		c.FileStorageURL = url
		fs, err := c.FileStorage()
		require.NoError(t, err, url)
		assert.Equal(t, want, fs, url)
		assert.Equal(t, want.BucketURL != "", fs.Cloud(), url)
		assert.NoError(t, c.Validate(), url)
	}
	for url, want := range map[string]string{
		"s3://key:secret@bucket?region=x": "FILE_STORAGE_URL: a s3:// URL carries no credentials; set them the SDK's way (AWS_ACCESS_KEY_ID",
		"gs://key@bucket":                 "FILE_STORAGE_URL: a gs:// URL carries no credentials; set them the SDK's way (GOOGLE_APPLICATION_CREDENTIALS",
		"s3://?region=x":                  "FILE_STORAGE_URL: names no bucket; want s3://bucket",
		"gs:///x":                         "FILE_STORAGE_URL: names no bucket; want gs://bucket",
		"s3://bucket/logs/admin":          "FILE_STORAGE_URL: a s3:// URL names a bucket, not a folder: for a folder use s3://bucket?prefix=logs/admin/",
		"gs://bucket#x":                   "FILE_STORAGE_URL: a gs:// URL takes no fragment",
		"ftp://h/x":                       `FILE_STORAGE_URL: scheme "ftp": want file:///path/to/storage, s3://bucket?region=… or gs://bucket`,
		"file://otherhost/x":              `FILE_STORAGE_URL: host "otherhost"`,
		"file:///":                        "FILE_STORAGE_URL: has no directory",
		"file:///srv/x?mode=600":          "FILE_STORAGE_URL: a file:// URL takes only a path",
	} {
		c.FileStorageURL = url
		err := c.Validate()
		assert.ErrorContains(t, err, want, url)
		if err != nil {
			assert.NotContains(t, err.Error(), "secret", "the error does not repeat credentials")
		}
	}
	c.FileStorageURL = ""
	for url, want := range map[string]string{
		"redis://127.0.0.1:6379":       "",
		"redis://:pw@127.0.0.1:6379/3": "",
		"rediss://cache:6380":          "",
		"http://127.0.0.1:6379":        `REDIS_URL: scheme "http": want redis://`,
		"redis://:hunter2@h:6379/x":    "REDIS_URL: want redis://host:6379/0",
	} {
		c.RedisURL = url
		err := c.Validate()
		if want == "" {
			assert.NoError(t, err, url)
			continue
		}
		assert.ErrorContains(t, err, want, url)
		assert.NotContains(t, err.Error(), "hunter2")
	}
	c.RedisURL = "redis://:hunter2@h:6379/0"
	assert.NotContains(t, c.String(), "hunter2", "the Redis password is masked")
}

func TestParseDays(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, " 1d ": 24 * time.Hour, "90m": 90 * time.Minute, "0": 0} {
		got, err := ParseDays(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "d", "1.5d", "-1d", "-1h", "thirty"} {
		_, err := ParseDays(bad)
		assert.Error(t, err, bad)
	}
	c, err := Load(func(k string) (string, bool) {
		v, ok := map[string]string{EnvRetention: "30d", EnvIngestDelete: "true"}[k]
		return v, ok
	})
	require.NoError(t, err)
	assert.Equal(t, 30*24*time.Hour, c.Retention)
	assert.True(t, c.IngestDelete)
}
