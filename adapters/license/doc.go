// Package license reads and writes license keys: "mal1." followed by the
// base64url JSON payload (package domain/license's License), ".", and the
// base64url ed25519 signature of that payload. Keys are verified with the
// vendor's public key (built in, or MASTRA_ADMIN_LICENSE_PUBKEY); the
// vendor tool signs them with the private key, which never ships.
package license
