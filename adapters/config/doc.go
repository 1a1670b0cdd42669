// Package config reads MastraAdmin's configuration from the environment and
// from command-line flags of the same names, as listed in the configuration
// table of the external contract (API.md).
//
// Every variable has one flag: the variable's name lower-cased with dashes
// (DATABASE_URL is --database-url). Precedence, highest first: flag,
// environment, default. A variable that is present in the environment with an
// empty value is taken as empty, not as unset; CLICKHOUSE_URL= therefore turns
// ClickHouse off.
//
// Secrets (the encryption key, the license key, the Supabase JWT secret and
// the OIDC client secret) are held as [Secret], which prints as "[redacted]";
// [Config.String] and [Config.Redacted] also hide passwords inside the
// database URLs, so a Config may be logged.
package config
