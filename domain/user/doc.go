// Package user is the user aggregate: registration, platform-admin rights
// and personal API tokens. Email uniqueness is kept by a claim stream per
// normalized email, appended in the same atomic write as the registration.
// Tokens are recorded only as a public prefix and a hash of the secret.
package user
