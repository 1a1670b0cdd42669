package dashboard

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain/build"
)

func TestBuildSteps(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	earlier := uuid.New()
	type row struct{ name, label, took string }
	for _, c := range []struct {
		name string
		b    build.View
		now  time.Time
		want []row
	}{
		{"queued", build.View{Status: build.StatusQueued, Trigger: build.TriggerDeploy, QueuedAt: t0}, t0.Add(3 * time.Second),
			[]row{{"Queue", "running", "3s so far"}, {"Build", "waiting", ""}, {"Deploy", "waiting", ""}}},
		{"cancelled while queued", build.View{Status: build.StatusCancelled, Trigger: build.TriggerDeploy, QueuedAt: t0, FinishedAt: at(time.Minute)}, t0,
			[]row{{"Queue", "cancelled", "1m 00s"}, {"Build", "not run", ""}, {"Deploy", "not run", ""}}},
		{"failed building", build.View{Status: build.StatusFailed, Trigger: build.TriggerDeploy, QueuedAt: t0, StartedAt: at(time.Second),
			FinishedAt: at(95 * time.Second)}, t0,
			[]row{{"Queue", "done", "1s"}, {"Build", "failed", "1m 34s"}, {"Deploy", "not run", ""}}},
		{"deploying", build.View{Status: build.StatusDeploying, Trigger: build.TriggerDeploy, QueuedAt: t0, StartedAt: at(time.Second),
			ReadyAt: at(2 * time.Hour)}, t0.Add(2*time.Hour + 500*time.Millisecond),
			[]row{{"Queue", "done", "1s"}, {"Build", "done", "1h 59m"}, {"Deploy", "running", "500ms so far"}}},
		{"succeeded", build.View{Status: build.StatusSucceeded, Trigger: build.TriggerDeploy, QueuedAt: t0, StartedAt: at(time.Second),
			ReadyAt: at(time.Minute), FinishedAt: at(time.Minute + 4*time.Second)}, t0,
			[]row{{"Queue", "done", "1s"}, {"Build", "done", "59s"}, {"Deploy", "done", "4s"}}},
		{"rollback failed deploying", build.View{Status: build.StatusFailed, Trigger: build.TriggerRollback, RollbackOf: &earlier, QueuedAt: t0,
			ReadyAt: at(0), FinishedAt: at(30 * time.Second)}, t0,
			[]row{{"Queue", "done", "0s"}, {"Build", "skipped", ""}, {"Deploy", "failed", "30s"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []row
			for _, s := range buildSteps(c.b, c.now) {
				got = append(got, row{s.Name, s.Label, s.Duration})
			}
			assert.Equal(t, c.want, got)
		})
	}
}
