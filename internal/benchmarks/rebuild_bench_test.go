package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
)

// storeSize is the number of events BenchmarkRebuild1M records.
const storeSize = 1_000_000

// fillTeams records storeSize events: per team a creation, a member and
// eight renames, 100 teams per atomic append.
func fillTeams(b testing.TB, store *eventstore.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	owner := uuid.Must(uuid.NewV7())
	enc := func(e domain.Event) eventstore.EventData {
		p, err := json.Marshal(e)
		require.NoError(b, err)
		return eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: e.EventType(), Payload: p,
			Metadata: eventstore.Metadata{Actor: "user:" + owner.String(), RequestID: "bench"}}
	}
	for t := 0; t < storeSize/10; t += 100 {
		var appends []eventstore.StreamAppend
		for k := t; k < t+100; k++ {
			id, slug := uuid.Must(uuid.NewV7()), fmt.Sprintf("team-%d", k)
			evs := []eventstore.EventData{
				enc(team.Created{TeamID: id, Name: slug, Slug: slug, CreatedBy: owner, At: at}),
				enc(team.MemberAdded{TeamID: id, UserID: uuid.Must(uuid.NewV7()), Role: domain.RoleDeveloper, By: owner, At: at}),
			}
			for r := 0; r < 8; r++ {
				evs = append(evs, enc(team.Renamed{TeamID: id, Name: fmt.Sprintf("%s v%d", slug, r), By: owner, At: at}))
			}
			appends = append(appends, eventstore.StreamAppend{StreamID: team.StreamID(id), Expected: eventstore.NoStream, Events: evs})
		}
		_, err := store.AppendStreams(ctx, appends...)
		require.NoError(b, err)
	}
}

// BenchmarkRebuild1M rebuilds the team and audit read models from a store
// of 1,000,000 events. Goal: >= 20,000 events/s each. The baseline is a
// plain gap-safe read of every event in the same batches, for scale. It
// then measures how long serve takes to answer /readyz on that store,
// against the same on an empty store. Goal: < 2 s.
func BenchmarkRebuild1M(b *testing.B) {
	db := pgtest.New(b)
	store := newStore(b, db)
	ctx := context.Background()
	t0 := time.Now()
	fillTeams(b, store)
	fmt.Printf("%-48s %d events in %s\n", "fill store", storeSize, time.Since(t0).Round(time.Millisecond))
	for n := 0; n < b.N; n++ {
		t0 = time.Now()
		var pos eventstore.Position
		read := 0
		for {
			evs, err := store.ReadAll(ctx, pos, 2000)
			require.NoError(b, err)
			if len(evs) == 0 {
				break
			}
			read += len(evs)
			pos = evs[len(evs)-1].Position
		}
		require.Equal(b, storeSize, read)
		readRate := float64(read) / time.Since(t0).Seconds()
		for _, p := range []projections.Projection{projections.Teams{}, projections.Audit{}} {
			t0 = time.Now()
			got, err := projections.Rebuild(ctx, store, p, projections.Options{})
			require.NoError(b, err)
			require.EqualValues(b, storeSize, got)
			rate := float64(got) / time.Since(t0).Seconds()
			report(b, "rebuild "+p.Name()+" from 1M events (vs raw read)", rate, readRate, "events/s", 0)
			verdict := "meets"
			if rate < 20000 {
				verdict = "MISSES"
			}
			fmt.Printf("%-48s %10.0f events/s (goal >= 20000: %s)\n", "  "+p.Name(), rate, verdict)
		}
	}
	_, err := projections.CatchUp(ctx, store, projections.Users{}, projections.Options{})
	require.NoError(b, err)

	bin := buildBinary(b)
	empty := pgtest.New(b)
	base := timeToReady(b, bin, empty.URL)
	full := timeToReady(b, bin, db.URL)
	verdict := "meets"
	if full >= 2*time.Second {
		verdict = "MISSES"
	}
	fmt.Printf("%-48s %v on 1M events vs %v on an empty store (goal < 2s: %s)\n", "serve ready (/readyz 200)",
		full.Round(time.Millisecond), base.Round(time.Millisecond), verdict)
	b.ReportMetric(float64(full.Milliseconds()), "ready-ms")
	b.ReportMetric(float64(base.Milliseconds()), "baseline-ready-ms")
}

func buildBinary(b testing.TB) string {
	bin := filepath.Join(b.TempDir(), "mastra-admin")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/mastra-admin/mastra-admin/cmd/mastra-admin")
	cmd.Stderr = os.Stderr
	require.NoError(b, cmd.Run())
	return bin
}

func freeAddr(b testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	defer ln.Close()
	return ln.Addr().String()
}

// timeToReady starts serve and returns the time until /readyz answers 200.
func timeToReady(b testing.TB, bin, dbURL string) time.Duration {
	addr := freeAddr(b)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "MASTRA_ADMIN_ADDR="+addr,
		"MASTRA_ADMIN_PROXY_ADDR="+freeAddr(b), "MASTRA_ADMIN_DATA_DIR="+b.TempDir(), "LOG_LEVEL=warn")
	start := time.Now()
	require.NoError(b, cmd.Start())
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	for time.Since(start) < 30*time.Second {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("serve did not become ready in 30s")
	return 0
}
