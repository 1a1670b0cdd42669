// Package license holds the license rules: tiers, features and limits,
// and what an expired license still allows. A license is a signed payload
// (verified by adapters/license); this package only reads it, with the time
// passed in.
package license
