// Package oidctest runs a local OIDC identity provider for tests: issuer
// discovery, a JWK Set and an RSA signing key, on loopback.
package oidctest
