// Package auth holds the identity providers that turn a bearer JWT from an
// existing identity provider into an identity (email, subject). Supabase
// access tokens signed HS256 with the project's JWT secret are supported;
// JWKS-verified tokens and generic OIDC come later.
package auth
