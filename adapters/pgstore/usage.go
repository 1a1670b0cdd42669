package pgstore

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// usageEvery is how often one token's last-used time is written at most.
const usageEvery = time.Minute

// TokenUsage records when tokens were last used, at most once a minute per
// token, so that authentication adds no write to most requests.
type TokenUsage struct {
	DB  eventstore.DBTX
	Log *logrus.Entry

	mu      sync.Mutex
	written map[uuid.UUID]time.Time
}

// Used implements commands.TokenUsage.
func (u *TokenUsage) Used(ctx context.Context, tokenID uuid.UUID, at time.Time) {
	u.mu.Lock()
	if u.written == nil || len(u.written) > 100000 {
		u.written = map[uuid.UUID]time.Time{}
	}
	last, seen := u.written[tokenID]
	due := !seen || at.Sub(last) >= usageEvery
	if due {
		u.written[tokenID] = at
	}
	u.mu.Unlock()
	if !due {
		return
	}
	_, err := u.DB.Exec(ctx, `INSERT INTO token_usage (token_id, last_used_at) VALUES ($1, $2)
		ON CONFLICT (token_id) DO UPDATE SET last_used_at = greatest(token_usage.last_used_at, excluded.last_used_at)`, tokenID, at)
	if err != nil {
		u.Log.WithError(err).Warn("could not record token use")
	}
}
