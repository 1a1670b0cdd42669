package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Audit projects every event into the audit log with its actor.
type Audit struct{}

// Name implements Projection.
func (Audit) Name() string { return "audit" }

// Tables implements Projection.
func (Audit) Tables() []string { return []string{"audit_log"} }

// Handles implements Projection: every event.
func (Audit) Handles() []string { return nil }

var auditColumns = []string{"position", "event_id", "event_type", "stream_id", "team_id", "actor",
	"request_id", "recorded_at", "summary", "payload"}

// copyThreshold is the batch size from which COPY beats pipelined INSERTs.
const copyThreshold = 32

// Apply implements Projection.
func (Audit) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	if len(events) >= copyThreshold {
		rows := make([][]any, len(events))
		for i, e := range events {
			rows[i] = auditRow(e)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, auditColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy audit entries: %w", err)
		}
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range events {
		if err := (Audit{}).Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Audit) Queue(b *pgx.Batch, e eventstore.Event) error {
	b.Queue(`INSERT INTO audit_log (position, event_id, event_type, stream_id, team_id, actor, request_id,
		recorded_at, summary, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, auditRow(e)...)
	return nil
}

func auditRow(e eventstore.Event) []any {
	var fields map[string]any
	_ = json.Unmarshal(e.Payload, &fields) // a non-object payload just has no fields to show
	var team any
	if s, ok := fields["teamId"].(string); ok {
		if id, err := uuid.Parse(s); err == nil {
			team = id
		}
	}
	actor := e.Metadata.Actor
	if actor == "" {
		actor = "system"
	}
	return []any{e.Position.GlobalPosition, e.ID, e.Type, e.StreamID, team, actor, e.Metadata.RequestID,
		e.RecordedAt, summarize(e.Type, fields), auditPayload(e.Payload, fields)}
}

// redactedKeys are payload fields the audit log does not keep: hashes of
// credentials (API tokens, invite tokens) and sealed env values. Team
// admins read and export the audit log; only platform admins read raw
// events.
var redactedKeys = []string{"secretHash", "tokenHash", "nonce", "ciphertext"}

// auditPayload is the payload as the audit log keeps it: as recorded,
// unless it holds a redacted field, which then reads "[redacted]".
func auditPayload(raw []byte, fields map[string]any) []byte {
	redact := false
	for _, k := range redactedKeys {
		if _, ok := fields[k]; ok {
			fields[k], redact = "[redacted]", true
		}
	}
	if !redact {
		return raw
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return []byte(`{"redacted":true}`)
	}
	return out
}

// summaryKeys are payload fields worth showing in a one-line summary.
var summaryKeys = map[string]bool{"name": true, "slug": true, "oldSlug": true, "email": true, "role": true}

// summarize describes an event in one line: its type and its notable fields
// in a fixed order. Secrets never reach events, so none reach summaries.
func summarize(eventType string, fields map[string]any) string {
	var parts []string
	for k, v := range fields {
		if summaryKeys[k] {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return eventType
	}
	return eventType + " " + strings.Join(parts, " ")
}
