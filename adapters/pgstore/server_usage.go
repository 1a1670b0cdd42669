package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// ServerUsage keeps each server's last resource sample in server_usage.
type ServerUsage struct{ DB eventstore.DBTX }

// Record implements commands.ServerUsage.
func (u ServerUsage) Record(ctx context.Context, serverID uuid.UUID, rssBytes int64, cpuPercent float64, at time.Time) error {
	_, err := u.DB.Exec(ctx, `INSERT INTO server_usage (server_id, rss_bytes, cpu_percent, sampled_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (server_id) DO UPDATE SET rss_bytes = excluded.rss_bytes, cpu_percent = excluded.cpu_percent,
		sampled_at = excluded.sampled_at`, serverID, rssBytes, cpuPercent, at)
	if err != nil {
		return fmt.Errorf("record server usage: %w", err)
	}
	return nil
}
