// Package user is the user aggregate: registration, platform-admin rights
// and personal API tokens. Email uniqueness is a claim in EmailScope, taken in
// the same transaction as the registration.
// Tokens are recorded only as a public prefix and a hash of the secret.
package user
