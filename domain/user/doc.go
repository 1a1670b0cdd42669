// Package user is the user aggregate: registration, platform-admin rights
// and personal API tokens. Email uniqueness is a claim in EmailScope, taken in
// the same transaction as the registration. An identity of an identity
// provider is linked to a user by (issuer, subject), a claim in
// IdentityScope(issuer) taken with the IdentityLinked event.
// Tokens are recorded only as a public prefix and a hash of the secret.
package user
