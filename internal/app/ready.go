package app

import (
	"context"
	"fmt"
	"time"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/migrations"
)

// ConsumerStatus is one consumer in the readiness detail.
type ConsumerStatus struct {
	Name     string           `json:"name"`
	Position int64            `json:"position"`
	Lag      int64            `json:"lag"` // events still to apply, counted up to MaxCountedLag
	Parked   *eventstore.Park `json:"parked,omitempty"`
}

// MaxCountedLag bounds the lag /readyz counts: a consumer far behind (a
// new projection on a big store) would otherwise cost a scan of its whole
// backlog on every probe.
const MaxCountedLag = 10000

// Readiness is the detail of /readyz.
type Readiness struct {
	Status     string           `json:"status"` // ready, degraded (a consumer is parked) or unavailable
	Database   string           `json:"database"`
	Migrations map[string]int   `json:"migrations"`
	Consumers  []ConsumerStatus `json:"consumers"`
	// Observability is the ingestion worker's state, when this process runs one.
	Observability *ObservabilityReadiness `json:"observability,omitempty"`
	Problems      []string                `json:"problems,omitempty"`
}

// Ready reports whether the App can serve: the database answers, its
// schema is current and the consumers run. A parked consumer makes the
// App degraded, not unready: reads still work, some read model is stale.
func (a *App) Ready(ctx context.Context) (bool, any) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	r := Readiness{Status: "ready", Database: "ok", Migrations: map[string]int{}}
	pool := a.Store.Pool()
	if err := pool.Ping(ctx); err != nil {
		r.Status, r.Database = "unavailable", "unreachable"
		r.Problems = append(r.Problems, "database: "+err.Error())
		return false, r
	}
	list, err := migrations.Postgres()
	if err == nil && len(list) > 0 {
		r.Migrations["latest"] = list[len(list)-1].Version
	}
	var current int
	if err := pool.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		r.Problems = append(r.Problems, "migrations: "+err.Error())
	}
	r.Migrations["current"] = current
	if current < r.Migrations["latest"] {
		r.Status = "unavailable"
		r.Problems = append(r.Problems, "the database schema is behind; run mastra-admin migrate")
	}
	if !a.Router.IsRunning() {
		r.Status = "unavailable"
		r.Problems = append(r.Problems, "consumers are not running")
	}
	r.Consumers, err = a.consumerStatus(ctx)
	if err != nil {
		r.Problems = append(r.Problems, "consumers: "+err.Error())
	}
	for _, c := range r.Consumers {
		if c.Parked != nil && r.Status == "ready" {
			r.Status = "degraded"
			r.Problems = append(r.Problems, "consumer "+c.Name+" is parked on event "+c.Parked.EventType+": "+c.Parked.Error)
		}
	}
	if src := a.ingester(); src != nil {
		var problem string
		r.Observability, problem = observabilityReadiness(src.Status())
		if problem != "" {
			if r.Status == "ready" {
				r.Status = "degraded"
			}
			r.Problems = append(r.Problems, problem)
		}
	}
	return r.Status != "unavailable", r
}

func (a *App) consumerStatus(ctx context.Context) ([]ConsumerStatus, error) {
	pool := a.Store.Pool()
	parks, err := eventstore.Parks(ctx, pool)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(a.Projections)+len(a.managers))
	for _, p := range a.Projections {
		names = append(names, p.Name())
	}
	names = append(names, a.managers...)
	out := make([]ConsumerStatus, 0, len(names))
	for _, name := range names {
		s := ConsumerStatus{Name: name}
		// Lag counts events after the checkpoint in the gap-safe order; a
		// caught-up consumer may rest below the greatest global position. A
		// consumer that never ran has everything to do. ORDER BY makes the
		// planner walk the primary key: it has no statistics for xid8
		// ranges, guesses a third of the table and would scan all of it.
		err := pool.QueryRow(ctx, `SELECT coalesce(c.global_position, 0), (SELECT count(*) FROM (SELECT 1 FROM events e
			WHERE (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'), coalesce(c.global_position, 0))
			ORDER BY e.transaction_id, e.global_position LIMIT $2) behind)
			FROM (SELECT $1::text AS consumer) q LEFT JOIN consumer_checkpoints c USING (consumer)`,
			name, MaxCountedLag).Scan(&s.Position, &s.Lag)
		if err != nil {
			return nil, fmt.Errorf("read checkpoint of %s: %w", name, err)
		}
		for i := range parks {
			if parks[i].Consumer == name {
				s.Parked = &parks[i]
			}
		}
		out = append(out, s)
	}
	return out, nil
}
