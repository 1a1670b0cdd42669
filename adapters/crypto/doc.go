// Package crypto encrypts env vars with envelope encryption: every project
// has a random 256-bit data key, stored wrapped (AES-256-GCM) by the master
// key in project_data_keys; values are sealed with AES-256-GCM under the
// project's data key, with the project and variable name as additional
// data, so a ciphertext cannot be moved to another variable. Rotating the
// master key re-wraps the data keys and leaves every event as it is.
package crypto
