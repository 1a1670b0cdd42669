package eventstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Parker is the poison-event path. Its Middleware, placed outside Retry,
// marks an event whose handler still fails after every retry; the
// subscriber then rolls the batch back, records the consumer as parked
// (consumer_parks, visible in /readyz) and stops that consumer alone.
// Restarting the consumer clears the park and tries the event again.
type Parker struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	why  map[string]error // message UUID -> final handler error
}

// NewParker returns a Parker that records parks through pool.
func NewParker(pool *pgxpool.Pool) *Parker {
	return &Parker{pool: pool, why: map[string]error{}}
}

// Middleware parks the consumer of a message whose handler returned an error.
func (p *Parker) Middleware(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err != nil {
			p.mu.Lock()
			p.why[msg.UUID] = err
			p.mu.Unlock()
		}
		return out, err
	}
}

func (p *Parker) take(uuid string) (error, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	err, ok := p.why[uuid]
	delete(p.why, uuid)
	return err, ok
}

func (p *Parker) record(ctx context.Context, consumer string, e Event, reason error) error {
	_, err := p.pool.Exec(context.WithoutCancel(ctx), `INSERT INTO consumer_parks
		(consumer, global_position, event_id, event_type, error) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (consumer) DO UPDATE SET global_position = excluded.global_position,
		event_id = excluded.event_id, event_type = excluded.event_type, error = excluded.error, parked_at = now()`,
		consumer, e.Position.GlobalPosition, e.ID, e.Type, reason.Error())
	if err != nil {
		return fmt.Errorf("record park of %s: %w", consumer, err)
	}
	return nil
}

// Clear removes the consumer's park record.
func (p *Parker) Clear(ctx context.Context, consumer string) error {
	if _, err := p.pool.Exec(ctx, `DELETE FROM consumer_parks WHERE consumer = $1`, consumer); err != nil {
		return fmt.Errorf("clear park of %s: %w", consumer, err)
	}
	return nil
}

// Park describes a parked consumer.
type Park struct {
	Consumer       string    `json:"consumer"`
	GlobalPosition int64     `json:"position"`
	EventID        string    `json:"eventId"`
	EventType      string    `json:"eventType"`
	Error          string    `json:"error"`
	ParkedAt       time.Time `json:"parkedAt"`
}

// Parks lists the parked consumers.
func Parks(ctx context.Context, q DBTX) ([]Park, error) {
	rows, err := q.Query(ctx, `SELECT consumer, global_position, event_id::text, event_type, error, parked_at
		FROM consumer_parks ORDER BY consumer`)
	if err != nil {
		return nil, fmt.Errorf("list parked consumers: %w", err)
	}
	defer rows.Close()
	var out []Park
	for rows.Next() {
		var p Park
		if err := rows.Scan(&p.Consumer, &p.GlobalPosition, &p.EventID, &p.EventType, &p.Error, &p.ParkedAt); err != nil {
			return nil, fmt.Errorf("scan parked consumer: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
