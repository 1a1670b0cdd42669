package auditexport

import (
	"context"
	"fmt"
	"io"

	"github.com/mastra-admin/mastra-admin/adapters/auditchain"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/audit"
)

// Result says what an export wrote.
type Result struct {
	Count int64
	Head  string
}

// Export writes every audit entry matching q that p may see, in position
// order, then the chain's trailer.
func Export(ctx context.Context, admin *commands.Admin, p commands.Principal, q commands.AuditQuery, w io.Writer,
	format auditchain.Format, opts auditchain.Options) (Result, error) {
	cw, err := auditchain.NewWriter(w, format, opts)
	if err != nil {
		return Result{}, err
	}
	q.Limit = commands.MaxPage
	for {
		page, err := admin.Audit(ctx, p, q)
		if err != nil {
			return Result{}, err
		}
		for _, e := range page {
			if err := cw.Write(Entry(e)); err != nil {
				return Result{}, fmt.Errorf("write audit entry %d: %w", e.Position, err)
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].Position
	}
	if err := cw.Close(); err != nil {
		return Result{}, fmt.Errorf("finish audit export: %w", err)
	}
	return Result{Count: cw.Count(), Head: cw.Head()}, nil
}

// Entry converts an audit log entry for the chain.
func Entry(e audit.Entry) auditchain.Entry {
	team := ""
	if e.TeamID != nil {
		team = e.TeamID.String()
	}
	return auditchain.Entry{
		Position: e.Position, EventID: e.EventID.String(), EventType: e.EventType, StreamID: e.StreamID,
		TeamID: team, Actor: e.Actor, RequestID: e.RequestID, RecordedAt: e.RecordedAt, Summary: e.Summary,
		Payload: e.Payload,
	}
}
