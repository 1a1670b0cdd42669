// Package auditchain writes and verifies the tamper-evident audit export of
// MastraAdmin (`mastra-admin audit export` / `audit verify`,
// GET /api/audit/export).
//
// # Format
//
// An export is a sequence of entry lines followed by exactly one trailer
// line, in JSONL or CSV. Every entry line carries, besides the Entry fields,
// seq (1, 2, 3, … in file order), prevHash and hash:
//
//	hash = hex(SHA-256(prev || canonical))
//
// where prev is the 32 raw bytes of the previous line's hash (32 zero bytes,
// i.e. Genesis, for seq 1) and canonical is a fixed-order JSON object with no
// whitespace:
//
//	{"seq":1,"position":42,"recordedAt":"2026-01-02T03:04:05.000000000Z",
//	 "eventType":"…","streamId":"…","teamId":"…","actor":"…","requestId":"…",
//	 "eventId":"…","summary":"…","payload":{…}|null}
//
// Strings escape only '"', '\\' and control characters (\n, \r, \t, else
// \u00XX); everything else is raw UTF-8. recordedAt always has nine
// fractional digits in UTC. payload is compact JSON or null. The canonical
// bytes do not depend on the output format, so a JSONL and a CSV export of
// the same entries carry identical hashes.
//
// Before hashing, the Writer normalizes an entry: invalid UTF-8 becomes
// U+FFFD, "\r\n" inside text becomes "\n" (CSV readers cannot preserve it),
// recordedAt is converted to UTC, payload is compacted and an empty or null
// payload becomes null. The hash covers the normalized values.
//
// A JSONL entry line is the canonical object with prevHash and hash appended:
//
//	{"seq":1,…,"payload":null,"prevHash":"000…0","hash":"9f2…"}
//
// and the trailer line is
//
//	{"trailer":"auditchain/v1","count":3,"head":"<hash of seq 3>","hmac":"…"}
//
// A CSV export starts with the header row
//
//	seq,position,recordedAt,eventType,streamId,teamId,actor,requestId,eventId,summary,payload,prevHash,hash
//
// then one RFC 4180 row per entry (payload as JSON text, empty for null) and
// ends with the five-column trailer row
//
//	#trailer,auditchain/v1,<count>,<head>,<hmac or empty>
//
// "#trailer" can never be a seq, so the trailer cannot be taken for an entry.
// The head of an empty export is Genesis.
//
// If Options.Key is set, the trailer carries
//
//	hmac = hex(HMAC-SHA256(key, "auditchain/v1" || 0x00 || uint64be(count) || head))
//
// Verify accepts only what a Writer could have produced: every field must be
// in its canonical spelling (no extra JSON keys or whitespace, lowercase hex,
// canonical integers and times), otherwise the line is ErrMalformed. Empty
// lines are ignored, and so are "\r\n" line endings. Verify stops at the
// first problem and names its line. Both Writer and Verify stream: memory is
// bounded by the longest line (MaxEntryBytes), not by the number of lines.
//
// # Threat model
//
// The chain is built when the export is written, from what the event store
// returns at that moment. It says nothing about the database itself: an
// event edited or deleted in Postgres before the export is exported as it
// is. It protects the file after it leaves the server.
//
// Without a key, the chain detects any edit of any field of any line, lines
// removed at the start, in the middle or at the end, a missing trailer,
// reordered and duplicated lines, foreign or garbage lines and a trailer
// that is not last. It does not detect a full recomputation: SHA-256 is
// public, so whoever can edit the file can also rewrite every hash after the
// edit and the trailer, and the result verifies. An unkeyed export is
// therefore only as good as an independent record of its head hash (for
// example the head the server logged or returned when exporting): compare
// Report.Head with it.
//
// With a key, a forger who does not hold the key cannot produce a valid
// trailer for a changed chain; since the head commits to every line, the
// HMAC authenticates the whole export. HMAC is symmetric: anyone able to
// verify can also forge, so it proves integrity to the key holders, not to a
// third party (no non-repudiation). The trailer says nothing about when or
// with which filter the export was made: an older complete export, or an
// export with a different filter, still verifies, and gaps in Position are
// expected (team and time filters) and not checked. Verify with a key
// rejects an unsigned export; without a key it still checks the chain and
// reports Signed=true, SignatureChecked=false for a signed one.
//
// CSV cells are exported verbatim: a summary starting with '=', '+', '-' or
// '@' may be taken for a formula by a spreadsheet, so import the file as
// text. Escaping such cells would change the data the hash covers.
package auditchain
