package clickhouse_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
	"github.com/mastra-admin/mastra-admin/migrations"
)

var inserts = []string{clickhouse.InsertExternal, clickhouse.InsertHTTP}

func spanFile(project, deployment uuid.UUID, name string, n int, startUS uint64) commands.SpanFile {
	f := commands.SpanFile{File: "observability/spans/" + project.String() + "/" + deployment.String() + "/" + name + ".jsonl"}
	for i := 0; i < n; i++ {
		f.Rows = append(f.Rows, commands.SpanRow{
			ProjectID: project, DeploymentID: deployment, BuildID: uuid.New(),
			TraceID: fmt.Sprintf("t%d", i/3), SpanID: fmt.Sprintf("s%d", i), Name: "step", Type: "step", Entity: "math",
			StartUS: startUS + uint64(i), EndUS: startUS + uint64(i) + 10, DurationUS: 10, Status: commands.SpanOK,
			Attributes: `{"a":1}`, File: f.File, Line: uint32(i + 1),
		})
	}
	return f
}

func count(t *testing.T, s *clickhouse.Store, q string, args ...any) uint64 {
	t.Helper()
	var n uint64
	require.NoError(t, s.Conn().QueryRow(context.Background(), q, args...).Scan(&n))
	return n
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ins := range inserts {
		t.Run(ins, func(t *testing.T) {
			t.Parallel()
			s := chtest.New(t, ins)
			ctx := context.Background()
			p, d, b := uuid.New(), uuid.New(), uuid.New()
			weird := "quote \" backslash \\ newline \n tab \t nul \x00 ctl \x01 ünïcødé 😀 </script>"
			span := commands.SpanRow{ProjectID: p, DeploymentID: d, BuildID: b, TraceID: "tr", SpanID: "sp", ParentSpanID: "pa",
				Name: weird, Type: "llm", Entity: "agent", StartUS: 1767225600000000, EndUS: 1767225600000123, DurationUS: 123,
				Status: commands.SpanError, Error: "boom", Attributes: `{"k":"v"}`, Input: `{"in":1}`, Output: `"out"`,
				Model: "gpt", InputTokens: 1 << 40, OutputTokens: 7, File: "observability/spans/x.jsonl", Line: 4000000000}
			require.NoError(t, s.InsertSpans(ctx, []commands.SpanFile{{File: span.File, Rows: []commands.SpanRow{span}}}))
			var got commands.SpanRow
			require.NoError(t, s.Conn().QueryRow(ctx, `SELECT project_id, deployment_id, build_id, trace_id, span_id, parent_span_id,
				name, type, entity, start_us, end_us, duration_us, status, error, attributes, input, output, model,
				input_tokens, output_tokens, file, line FROM spans`).Scan(&got.ProjectID, &got.DeploymentID, &got.BuildID,
				&got.TraceID, &got.SpanID, &got.ParentSpanID, &got.Name, &got.Type, &got.Entity, &got.StartUS, &got.EndUS,
				&got.DurationUS, &got.Status, &got.Error, &got.Attributes, &got.Input, &got.Output, &got.Model,
				&got.InputTokens, &got.OutputTokens, &got.File, &got.Line))
			assert.Equal(t, span, got)

			log := commands.LogRow{ProjectID: p, DeploymentID: d, TimeUS: 1767225600000001, Level: "warn", Message: weird,
				TraceID: "tr", SpanID: "sp", Data: `{"x":[1,2]}`, File: "observability/logs/x.jsonl", Line: 2}
			require.NoError(t, s.InsertLogs(ctx, []commands.LogFile{{File: log.File, Rows: []commands.LogRow{log}}}))
			var gl commands.LogRow
			require.NoError(t, s.Conn().QueryRow(ctx, `SELECT project_id, deployment_id, time_us, level, message, trace_id, span_id, data, file, line FROM logs`).
				Scan(&gl.ProjectID, &gl.DeploymentID, &gl.TimeUS, &gl.Level, &gl.Message, &gl.TraceID, &gl.SpanID, &gl.Data, &gl.File, &gl.Line))
			assert.Equal(t, log, gl)

			done, err := s.IngestedFiles(ctx, []string{span.File, log.File, "observability/spans/other.jsonl"})
			require.NoError(t, err)
			assert.Equal(t, map[string]bool{span.File: true, log.File: true, "observability/spans/other.jsonl": false}, done)
		})
	}
}

func TestInsertTwiceIsANoOp(t *testing.T) {
	t.Parallel()
	for _, ins := range inserts {
		t.Run(ins, func(t *testing.T) {
			t.Parallel()
			s := chtest.New(t, ins)
			ctx := context.Background()
			p, d := uuid.New(), uuid.New()
			files := []commands.SpanFile{spanFile(p, d, "a", 50, 1767225600000000), spanFile(p, d, "b", 0, 0), spanFile(p, d, "c", 7, 1767225700000000)}
			require.NoError(t, s.InsertSpans(ctx, files))
			require.NoError(t, s.InsertSpans(ctx, files))
			require.NoError(t, s.InsertSpans(ctx, files[:1]))
			assert.Equal(t, uint64(57), count(t, s, "SELECT count() FROM spans"))
			done, err := s.IngestedFiles(ctx, []string{files[1].File})
			require.NoError(t, err)
			assert.True(t, done[files[1].File], "an empty file is recorded too")
		})
	}
}

// failing fails the insert into table whose number (1-based, counted over
// the store's life) is in fail, once each.
type failing struct {
	next  clickhouse.Inserter
	table string
	fail  map[int64]bool
	n     atomic.Int64
}

var errInjected = errors.New("injected insert failure")

func (f *failing) Insert(ctx context.Context, table string, cols []clickhouse.Column) error {
	if table == f.table && f.fail[f.n.Add(1)] {
		return errInjected
	}
	return f.next.Insert(ctx, table, cols)
}

func TestCutShortInsertIsCompletedOnce(t *testing.T) {
	t.Parallel()
	for _, ins := range inserts {
		t.Run(ins, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// Fail the 2nd chunk of spans (rows 11-20 of 25 not stored),
			// and the 2nd record into ingested_files (the first call
			// records "started" and fails; this is the retry's "done"): a
			// crash after every row went in.
			spansFail := &failing{table: "spans", fail: map[int64]bool{2: true}}
			filesFail := &failing{table: "ingested_files", fail: map[int64]bool{2: true}}
			s := chtest.NewWith(t, func(c *clickhouse.Config) {
				c.Insert, c.BatchRows = ins, 10
				c.WrapInsert = func(in clickhouse.Inserter) clickhouse.Inserter {
					filesFail.next = in
					spansFail.next = filesFail
					return spansFail
				}
			})
			p, d := uuid.New(), uuid.New()
			files := []commands.SpanFile{spanFile(p, d, "a", 25, 1767225600000000)}
			// Rows across two months: the time-range lookup spans partitions.
			files[0].Rows[24].StartUS = 1769904000000000
			require.ErrorIs(t, s.InsertSpans(ctx, files), errInjected)
			assert.Equal(t, uint64(10), count(t, s, "SELECT count() FROM spans"))
			done, err := s.IngestedFiles(ctx, []string{files[0].File})
			require.NoError(t, err)
			assert.False(t, done[files[0].File])

			require.ErrorIs(t, s.InsertSpans(ctx, files), errInjected) // rows completed, "done" lost
			assert.Equal(t, uint64(25), count(t, s, "SELECT count() FROM spans"))
			require.NoError(t, s.InsertSpans(ctx, files))
			require.NoError(t, s.InsertSpans(ctx, files))
			assert.Equal(t, uint64(25), count(t, s, "SELECT count() FROM spans"))
			assert.Equal(t, uint64(25), count(t, s, "SELECT uniqExact(line) FROM spans"))
		})
	}
}

func TestMigrateIsRepeatable(t *testing.T) {
	t.Parallel()
	s := chtest.New(t, "")
	res, err := s.Migrate(context.Background())
	require.NoError(t, err)
	assert.Empty(t, res.Applied)
	latest, err := clickhouse.LatestMigration()
	require.NoError(t, err)
	assert.Equal(t, latest, res.Current)
}

func TestDropBefore(t *testing.T) {
	t.Parallel()
	s := chtest.New(t, "")
	ctx := context.Background()
	p, d := uuid.New(), uuid.New()
	jan := uint64(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC).UnixMicro())
	feb := uint64(time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC).UnixMicro())
	require.NoError(t, s.InsertSpans(ctx, []commands.SpanFile{spanFile(p, d, "jan", 3, jan), spanFile(p, d, "feb", 4, feb)}))
	require.NoError(t, s.InsertMarkers(ctx, []commands.MarkerRow{{ProjectID: p, DeploymentID: d, EventID: uuid.New(), Kind: "deploy", By: "u", AtUS: jan}}))

	dropped, err := s.DropBefore(ctx, time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.NotContains(t, dropped, "spans/202601", "January has not ended")

	dropped, err = s.DropBefore(ctx, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Contains(t, dropped, "spans/202601")
	assert.Contains(t, dropped, "change_markers/202601")
	assert.Contains(t, dropped, "trace_index/202601")
	assert.Equal(t, uint64(4), count(t, s, "SELECT count() FROM spans"))
	assert.Equal(t, uint64(4), count(t, s, "SELECT count() FROM trace_index"))
	assert.Equal(t, uint64(0), count(t, s, "SELECT count() FROM change_markers"))
}

// TestMarkers checks that markers round-trip with every field, come back
// in time order within the range, once each however often they were
// inserted, and that a deployment's filter keeps the project-wide ones.
func TestMarkers(t *testing.T) {
	t.Parallel()
	s := chtest.New(t, "")
	ctx := context.Background()
	p, other, d1, d2 := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	t0 := uint64(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMicro())
	rollback := commands.MarkerRow{ProjectID: p, DeploymentID: d1, BuildID: uuid.New(), RollbackOf: uuid.New(), EventID: uuid.New(),
		Kind: commands.MarkerRollback, By: uuid.NewString(), AtUS: t0 + 2}
	env := commands.MarkerRow{ProjectID: p, EventID: uuid.New(), Kind: commands.MarkerEnv, Key: "MODEL", By: uuid.NewString(), AtUS: t0 + 1}
	restart := commands.MarkerRow{ProjectID: p, DeploymentID: d2, BuildID: uuid.New(), EventID: uuid.New(), Kind: commands.MarkerRestart, AtUS: t0 + 3}
	early := commands.MarkerRow{ProjectID: p, DeploymentID: d1, EventID: uuid.New(), Kind: commands.MarkerStop, AtUS: t0 - 1}
	elsewhere := commands.MarkerRow{ProjectID: other, DeploymentID: d1, EventID: uuid.New(), Kind: commands.MarkerStop, AtUS: t0 + 1}
	require.NoError(t, s.InsertMarkers(ctx, []commands.MarkerRow{rollback, env, restart, early, elsewhere}))
	require.NoError(t, s.InsertMarkers(ctx, []commands.MarkerRow{rollback, restart}), "projected again")

	got, err := s.Markers(ctx, p, commands.MarkerFilter{FromUS: t0, ToUS: t0 + 3})
	require.NoError(t, err)
	assert.Equal(t, []commands.MarkerRow{env, rollback, restart}, got, "in time order, once each, without the earlier one or another project's")
	got, err = s.Markers(ctx, p, commands.MarkerFilter{FromUS: t0, DeploymentID: d1})
	require.NoError(t, err)
	assert.Equal(t, []commands.MarkerRow{env, rollback}, got, "d1's and the project-wide one")
	got, err = s.Markers(ctx, p, commands.MarkerFilter{})
	require.NoError(t, err)
	assert.Len(t, got, 4)
	assert.Equal(t, uint64(0), count(t, s, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'markers'"),
		"migration 0003 replaced the markers table of 0001")

	many := make([]commands.MarkerRow, 10001)
	busy := uuid.New()
	for i := range many {
		many[i] = commands.MarkerRow{ProjectID: busy, EventID: uuid.New(), Kind: commands.MarkerEnv, Key: "K", AtUS: t0 + uint64(i)}
	}
	require.NoError(t, s.InsertMarkers(ctx, many))
	got, err = s.Markers(ctx, busy, commands.MarkerFilter{})
	require.NoError(t, err)
	require.Len(t, got, 10000, "at most 10,000")
	assert.Equal(t, many[1], got[0], "the newest, in time order")
	assert.Equal(t, many[10000], got[9999])
}

// TestTraceReadsUseTheTraceIndex checks that inserts feed trace_index, that
// a trace's spans are found through it (across projects and months), and
// that migration 0002 indexes the spans stored before it.
func TestTraceReadsUseTheTraceIndex(t *testing.T) {
	t.Parallel()
	s := chtest.New(t, "")
	ctx := context.Background()
	p1, p2, d := uuid.New(), uuid.New(), uuid.New()
	jan := uint64(time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC).UnixMicro())
	a, b := spanFile(p1, d, "a", 3, jan), spanFile(p2, d, "b", 6, jan+2_000_000) // t0 in both projects; b reaches February
	require.NoError(t, s.InsertSpans(ctx, []commands.SpanFile{a, b}))
	assert.Equal(t, uint64(9), count(t, s, "SELECT count() FROM trace_index"))

	rows, err := s.TraceSpans(ctx, "t0", false)
	require.NoError(t, err)
	var got []string
	for _, r := range rows {
		got = append(got, r.ProjectID.String()+"/"+r.SpanID)
	}
	assert.Equal(t, []string{p1.String() + "/s0", p1.String() + "/s1", p1.String() + "/s2", p2.String() + "/s0", p2.String() + "/s1", p2.String() + "/s2"}, got)
	one, err := s.Span(ctx, "t1", "s4")
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, p2, one[0].ProjectID)

	// Reads of one trace see only what trace_index holds.
	require.NoError(t, s.Conn().Exec(ctx, "TRUNCATE TABLE trace_index"))
	rows, err = s.TraceSpans(ctx, "t0", false)
	require.NoError(t, err)
	assert.Empty(t, rows, "a trace read does not scan spans by trace ID")

	// Migration 0002 run again (as on a database whose spans predate it) indexes them.
	list, err := migrations.ClickHouse()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(list), 2)
	require.Equal(t, "0002_trace_index.sql", list[1].Name)
	for _, stmt := range migrations.Statements(list[1].SQL) {
		require.NoError(t, s.Conn().Exec(ctx, stmt))
	}
	rows, err = s.TraceSpans(ctx, "t0", false)
	require.NoError(t, err)
	assert.Len(t, rows, 6)
}

func TestDownServerIsUnavailable(t *testing.T) {
	t.Parallel()
	srv := chtest.StartServer(t)
	s := srv.NewStore(t, nil)
	ctx := context.Background()
	require.NoError(t, s.Ping(ctx))
	srv.Stop()
	err := s.Ping(ctx)
	assert.ErrorIs(t, err, commands.ErrStoreUnavailable)
	_, err = s.IngestedFiles(ctx, []string{"x"})
	assert.ErrorIs(t, err, commands.ErrStoreUnavailable)
	srv.Start()
	require.NoError(t, s.Ping(ctx))
	_, err = clickhouse.Open(ctx, clickhouse.Config{Addr: "127.0.0.1:1"})
	assert.ErrorIs(t, err, commands.ErrStoreUnavailable)
}

func TestNewWhileDownPreparesOnFirstUse(t *testing.T) {
	t.Parallel()
	srv := chtest.StartServer(t)
	srv.Stop()
	cfg := srv.Config()
	cfg.Database = "lazy"
	s, err := clickhouse.New(cfg)
	require.NoError(t, err, "New does not reach ClickHouse")
	defer s.Close()
	ctx := context.Background()
	files := []commands.SpanFile{spanFile(uuid.New(), uuid.New(), "a", 5, 1767225600000000)}
	assert.ErrorIs(t, s.InsertSpans(ctx, files), commands.ErrStoreUnavailable)
	srv.Start()
	require.NoError(t, s.InsertSpans(ctx, files), "the database and schema are made on first use")
	assert.Equal(t, uint64(5), count(t, s, "SELECT count() FROM spans"))
}
