// Package oidctest runs a local OIDC identity provider for tests, on
// loopback: issuer discovery, a JWK Set and an RSA signing key, and the
// authorization code flow a browser goes through (an authorization
// endpoint that signs a configured user in without asking and sends the
// browser back with a code, and a token endpoint that checks the client's
// secret, the single use of the code and its PKCE verifier, and returns an
// ID token carrying the request's nonce).
package oidctest
