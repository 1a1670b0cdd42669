package auditchain

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// version names the chain and trailer layout; it is part of every trailer
// and of the HMAC input.
const version = "auditchain/v1"

// csvTrailerMarker is the first column of the CSV trailer row.
const csvTrailerMarker = "#trailer"

var csvHeader = []string{
	"seq", "position", "recordedAt", "eventType", "streamId", "teamId", "actor",
	"requestId", "eventId", "summary", "payload", "prevHash", "hash",
}

var jsonlTrailerPrefix = []byte(`{"trailer":`)

// record is one entry line.
type record struct {
	seq        int64
	entry      Entry
	prev, hash digest
}

// trailer is the last line of an export.
type trailer struct {
	count  int64
	head   digest
	signed bool
	mac    digest
}

// sign returns the trailer HMAC of (count, head) under key.
func sign(key []byte, count int64, head digest) digest {
	m := hmac.New(sha256.New, key)
	msg := append([]byte(version), 0)
	msg = binary.BigEndian.AppendUint64(msg, uint64(count))
	m.Write(append(msg, head[:]...))
	var d digest
	m.Sum(d[:0])
	return d
}

func appendJSONLEntry(dst, canonical []byte, prev, h digest) []byte {
	dst = append(dst, canonical[:len(canonical)-1]...)
	dst = append(dst, `,"prevHash":"`...)
	dst = hex.AppendEncode(dst, prev[:])
	dst = append(dst, `","hash":"`...)
	dst = hex.AppendEncode(dst, h[:])
	return append(dst, `"}`...)
}

func appendJSONLTrailer(dst []byte, t trailer) []byte {
	dst = append(dst, `{"trailer":"`+version+`","count":`...)
	dst = strconv.AppendInt(dst, t.count, 10)
	dst = append(dst, `,"head":"`...)
	dst = hex.AppendEncode(dst, t.head[:])
	if t.signed {
		dst = append(dst, `","hmac":"`...)
		dst = hex.AppendEncode(dst, t.mac[:])
	}
	return append(dst, `"}`...)
}

func csvEntryRecord(rec []string, seq int64, e *Entry, prev, h digest) []string {
	return append(rec[:0],
		strconv.FormatInt(seq, 10), strconv.FormatInt(e.Position, 10),
		e.RecordedAt.UTC().Format(timeLayout), e.EventType, e.StreamID, e.TeamID,
		e.Actor, e.RequestID, e.EventID, e.Summary, string(e.Payload),
		prev.String(), h.String())
}

func csvTrailerRecord(t trailer) []string {
	mac := ""
	if t.signed {
		mac = t.mac.String()
	}
	return []string{csvTrailerMarker, version, strconv.FormatInt(t.count, 10), t.head.String(), mac}
}

type jsonlEntry struct {
	Seq        int64           `json:"seq"`
	Position   int64           `json:"position"`
	RecordedAt string          `json:"recordedAt"`
	EventType  string          `json:"eventType"`
	StreamID   string          `json:"streamId"`
	TeamID     string          `json:"teamId"`
	Actor      string          `json:"actor"`
	RequestID  string          `json:"requestId"`
	EventID    string          `json:"eventId"`
	Summary    string          `json:"summary"`
	Payload    json.RawMessage `json:"payload"`
	PrevHash   string          `json:"prevHash"`
	Hash       string          `json:"hash"`
}

type jsonlTrailer struct {
	Trailer string `json:"trailer"`
	Count   int64  `json:"count"`
	Head    string `json:"head"`
	HMAC    string `json:"hmac"`
}

// wireDecoder turns lines and CSV records into records and trailers,
// checking that they are spelled exactly as a Writer spells them. Its
// buffers are reused: canonical is valid until the next call.
type wireDecoder struct {
	canonical []byte
	line      []byte
	payload   bytes.Buffer
}

func (d *wireDecoder) jsonlEntry(line []byte) (record, error) {
	var w jsonlEntry
	if err := json.Unmarshal(line, &w); err != nil {
		return record{}, fmt.Errorf("not an entry: %w", err)
	}
	payload := []byte(w.Payload)
	if string(payload) == "null" {
		payload = nil
	}
	r, err := d.fields(w.Seq, w.Position, w.RecordedAt, w.PrevHash, w.Hash, payload)
	if err != nil {
		return record{}, err
	}
	r.entry.EventType, r.entry.StreamID, r.entry.TeamID = w.EventType, w.StreamID, w.TeamID
	r.entry.Actor, r.entry.RequestID, r.entry.EventID = w.Actor, w.RequestID, w.EventID
	r.entry.Summary = w.Summary
	d.canonical = appendCanonical(d.canonical[:0], r.seq, &r.entry)
	d.line = appendJSONLEntry(d.line[:0], d.canonical, r.prev, r.hash)
	if !bytes.Equal(d.line, line) {
		return record{}, fmt.Errorf("line is not in canonical form")
	}
	return r, nil
}

func (d *wireDecoder) csvEntry(rec []string) (record, error) {
	if len(rec) != len(csvHeader) {
		return record{}, fmt.Errorf("entry row has %d columns, want %d", len(rec), len(csvHeader))
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return record{}, fmt.Errorf("column %s is not valid utf-8", csvHeader[i])
		}
	}
	seq, err := parseInt(rec[0])
	if err != nil {
		return record{}, fmt.Errorf("seq: %w", err)
	}
	pos, err := parseInt(rec[1])
	if err != nil {
		return record{}, fmt.Errorf("position: %w", err)
	}
	var payload []byte
	if rec[10] != "" {
		if rec[10] == "null" {
			return record{}, fmt.Errorf("null payload must be an empty column")
		}
		payload = []byte(rec[10])
	}
	r, err := d.fields(seq, pos, rec[2], rec[11], rec[12], payload)
	if err != nil {
		return record{}, err
	}
	r.entry.EventType, r.entry.StreamID, r.entry.TeamID = rec[3], rec[4], rec[5]
	r.entry.Actor, r.entry.RequestID, r.entry.EventID = rec[6], rec[7], rec[8]
	r.entry.Summary = rec[9]
	d.canonical = appendCanonical(d.canonical[:0], r.seq, &r.entry)
	return r, nil
}

// fields checks and converts the fields that have a canonical spelling.
func (d *wireDecoder) fields(seq, pos int64, recordedAt, prev, hash string, payload []byte) (record, error) {
	r := record{seq: seq, entry: Entry{Position: pos}}
	var err error
	if seq < 1 {
		return r, fmt.Errorf("seq %d is not positive", seq)
	}
	if r.entry.RecordedAt, err = parseTime(recordedAt); err != nil {
		return r, err
	}
	if payload != nil {
		if r.entry.Payload, err = checkPayload(payload, &d.payload); err != nil {
			return r, err
		}
	}
	if r.prev, err = parseDigest(prev); err != nil {
		return r, fmt.Errorf("prevHash: %w", err)
	}
	if r.hash, err = parseDigest(hash); err != nil {
		return r, fmt.Errorf("hash: %w", err)
	}
	return r, nil
}

func (d *wireDecoder) jsonlTrailer(line []byte) (trailer, error) {
	var w jsonlTrailer
	if err := json.Unmarshal(line, &w); err != nil {
		return trailer{}, fmt.Errorf("not a trailer: %w", err)
	}
	t, err := parseTrailer(w.Trailer, w.Count, w.Head, w.HMAC)
	if err != nil {
		return t, err
	}
	if d.line = appendJSONLTrailer(d.line[:0], t); !bytes.Equal(d.line, line) {
		return t, fmt.Errorf("trailer is not in canonical form")
	}
	return t, nil
}

func (d *wireDecoder) csvTrailer(rec []string) (trailer, error) {
	if len(rec) != 5 {
		return trailer{}, fmt.Errorf("trailer row has %d columns, want 5", len(rec))
	}
	count, err := parseInt(rec[2])
	if err != nil {
		return trailer{}, fmt.Errorf("trailer count: %w", err)
	}
	return parseTrailer(rec[1], count, rec[3], rec[4])
}

func parseTrailer(ver string, count int64, head, mac string) (trailer, error) {
	t := trailer{count: count}
	var err error
	if ver != version {
		return t, fmt.Errorf("unsupported trailer version %s", clip(ver))
	}
	if count < 0 {
		return t, fmt.Errorf("trailer count %d is negative", count)
	}
	if t.head, err = parseDigest(head); err != nil {
		return t, fmt.Errorf("trailer head: %w", err)
	}
	if mac != "" {
		t.signed = true
		if t.mac, err = parseDigest(mac); err != nil {
			return t, fmt.Errorf("trailer hmac: %w", err)
		}
	}
	return t, nil
}
