// Package auth holds the identity providers that turn a bearer JWT from an
// existing identity provider into an identity: the issuer and subject it is
// bound by, its email, and whether the provider says the email is
// verified. Supabase access tokens (HS256 with the project's JWT secret, or
// asymmetric keys from its JWKS) and generic OIDC (issuer discovery) are
// supported. Discover reads an OIDC issuer's configuration document (the
// dashboard's SSO sign-in uses its endpoints too).
package auth
