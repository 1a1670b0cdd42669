package obsship_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	filestorage "github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/adapters/obsship"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// places is a servers read model in memory.
type places struct {
	mu sync.Mutex
	m  map[uuid.UUID]server.Place
}

func (p *places) ServerPlace(_ context.Context, id uuid.UUID) (server.Place, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl, ok := p.m[id]
	return pl, ok, nil
}

func (p *places) set(pl server.Place) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[pl.ServerID] = pl
}

// failingWrites is a file storage whose writes fail while fail is set.
type failingWrites struct {
	*filestorage.Storage
	fail bool
}

func (f *failingWrites) Write(ctx context.Context, p string, r io.Reader) error {
	if f.fail {
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 10)) // a write cut short
		return errors.New("bucket unreachable")
	}
	return f.Storage.Write(ctx, p, r)
}

type fixture struct {
	servers string
	files   *filestorage.Storage
	places  *places
	place   server.Place
	obs     string // the server's observability folder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	files, err := filestorage.New(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = files.Close() })
	f := &fixture{servers: filepath.Join(t.TempDir(), "servers"), files: files, places: &places{m: map[uuid.UUID]server.Place{}}}
	f.place = server.Place{ServerID: uuid.New(), ProjectID: uuid.New(), DeploymentID: uuid.New(), BuildID: uuid.New()}
	f.obs = filepath.Join(f.servers, f.place.DeploymentID.String(), "obs", f.place.ServerID.String())
	return f
}

func (f *fixture) shipper(t *testing.T, storage commands.FileStorage) *obsship.Shipper {
	t.Helper()
	s, err := obsship.New(obsship.Config{ServersDir: f.servers, Files: storage, Places: f.places})
	require.NoError(t, err)
	return s
}

// write writes a file of the server's kind folder.
func (f *fixture) write(t *testing.T, kind, name, content string) string {
	t.Helper()
	p := filepath.Join(f.obs, kind, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// stored returns the files in storage with their contents.
func (f *fixture) stored(t *testing.T) map[string]string {
	t.Helper()
	paths, err := f.files.List(context.Background(), "")
	require.NoError(t, err)
	out := map[string]string{}
	for _, p := range paths {
		b, err := f.files.Read(context.Background(), p)
		require.NoError(t, err)
		out[p] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const spanLine = `{"event":"span_ended","traceId":"t","spanId":"s"}` + "\n"
const logLine = `{"time":"2026-11-22T22:55:57.460Z","level":"info","msg":"m"}` + "\n"

func TestClosedFilesAreShippedAndOpenOnesLeft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.places.set(f.place)
	spans := f.write(t, "spans", "20261122T225557453Z_a93343cb.jsonl", spanLine)
	logs := f.write(t, "logs", "20261122T225557460Z_92cf37c9.jsonl", logLine)
	openSpans := f.write(t, "spans", "20261122T225600000Z_0badf00d.jsonl.open", spanLine+`{"event":"span_st`)
	other := f.write(t, "spans", "notes.txt", "not a span file")

	p, err := f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Shipped: 2}, p)
	got := f.stored(t)
	require.Len(t, got, 2)
	prefix := "observability/%s/" + f.place.ProjectID.String() + "/" + f.place.DeploymentID.String() + "/"
	names := keys(got)
	assert.True(t, strings.HasPrefix(names[0], strings.Replace(prefix, "%s", "logs", 1)+"20261122T225557.460000Z_"), names[0])
	assert.True(t, strings.HasPrefix(names[1], strings.Replace(prefix, "%s", "spans", 1)+"20261122T225557.453000Z_"), names[1])
	for _, n := range names {
		file, err := commands.ParseObservabilityPath(n)
		require.NoError(t, err, "the ingestion reads the path back")
		assert.Equal(t, f.place.ProjectID, file.ProjectID)
		assert.Equal(t, f.place.DeploymentID, file.DeploymentID)
	}
	assert.Equal(t, logLine, got[names[0]])
	assert.Equal(t, spanLine, got[names[1]])
	assert.NoFileExists(t, spans, "deleted once shipped")
	assert.NoFileExists(t, logs)
	assert.FileExists(t, openSpans, "a file being written stays")
	assert.FileExists(t, other)

	// The server closes its file; the next pass ships it.
	closed := strings.TrimSuffix(openSpans, ".open")
	require.NoError(t, os.WriteFile(openSpans, []byte(spanLine+spanLine), 0o600))
	require.NoError(t, os.Rename(openSpans, closed))
	p, err = f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Shipped: 1}, p)
	assert.Len(t, f.stored(t), 3)
	assert.NoFileExists(t, closed)

	p, err = f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{}, p, "nothing left")
}

// TestLeftoversOfAnEarlierRunAreShipped: files closed while the admin was
// down are found by the first pass of the next run; those of a server the
// read model does not know yet (it is catching up) wait for it.
func TestLeftoversOfAnEarlierRunAreShipped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	for _, n := range []string{"20261122T225557453Z_00000001.jsonl", "20261122T235557453Z_00000002.jsonl", "20261123T005557453Z_00000003.jsonl"} {
		f.write(t, "spans", n, spanLine)
	}
	s := f.shipper(t, f.files)
	p, err := s.Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Waiting: 3}, p, "the read model does not know the server yet")
	assert.Empty(t, f.stored(t))

	f.places.set(f.place)
	p, err = s.Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Shipped: 3}, p)
	assert.Len(t, f.stored(t), 3)
	entries, err := os.ReadDir(filepath.Join(f.obs, "spans"))
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestAFailedWriteKeepsTheLocalFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.places.set(f.place)
	local := f.write(t, "logs", "20261122T225557460Z_92cf37c9.jsonl", logLine)
	storage := &failingWrites{Storage: f.files, fail: true}
	s := f.shipper(t, storage)

	p, err := s.Ship(ctx)
	require.NoError(t, err, "one file's failure is not the pass's")
	assert.Equal(t, obsship.Pass{Failed: 1}, p)
	assert.FileExists(t, local)
	assert.Empty(t, f.stored(t), "the storage's writes are atomic: nothing half-written")

	storage.fail = false
	p, err = s.Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Shipped: 1}, p)
	assert.NoFileExists(t, local)
	got := f.stored(t)
	require.Len(t, got, 1)
	assert.Equal(t, logLine, got[keys(got)[0]])
}

// TestShippingTwiceReplaces: a file shipped again (the admin died between
// the write and the delete) lands on the same path, so it is stored once.
func TestShippingTwiceReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.places.set(f.place)
	name := "20261122T225557453Z_a93343cb.jsonl"
	f.write(t, "spans", name, spanLine)
	_, err := f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	first := keys(f.stored(t))
	f.write(t, "spans", name, spanLine)
	_, err = f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, first, keys(f.stored(t)))

	// Another server's file of the same name is another file.
	other := f.place
	other.ServerID = uuid.New()
	f.places.set(other)
	p := filepath.Join(f.servers, other.DeploymentID.String(), "obs", other.ServerID.String(), "spans", name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(spanLine), 0o600))
	_, err = f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Len(t, f.stored(t), 2)
}

func TestAFileWithAnotherNameIsDatedByItsModTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.places.set(f.place)
	p := f.write(t, "logs", "tiny.jsonl", logLine)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	require.NoError(t, os.Chtimes(p, at, at))
	_, err := f.shipper(t, f.files).Ship(context.Background())
	require.NoError(t, err)
	got := keys(f.stored(t))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "/20260304T050607.000000Z_")
}

// TestOpenFilesOfEndedServersAreClosed: a server killed with SIGKILL
// leaves its file open; once the server has ended and the file has been
// idle, the shipper cuts its partial last line and ships it. The open
// file of a running server, or one written lately, stays.
func TestOpenFilesOfEndedServersAreClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.places.set(f.place)
	old := time.Now().Add(-time.Hour)
	killed := f.write(t, "spans", "20261122T225557453Z_a93343cb.jsonl.open", spanLine+`{"event":"span_en`)
	require.NoError(t, os.Chtimes(killed, old, old))
	empty := f.write(t, "logs", "20261122T225557460Z_00000000.jsonl.open", `{"time":`)
	require.NoError(t, os.Chtimes(empty, old, old))
	recent := f.write(t, "logs", "20261122T225557470Z_11111111.jsonl.open", logLine)

	p, err := f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{}, p, "the server runs: its open files are its own")
	assert.FileExists(t, killed)

	ended := f.place
	ended.Ended = true
	f.places.set(ended)
	p, err = f.shipper(t, f.files).Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{Closed: 1, Shipped: 1}, p)
	got := f.stored(t)
	require.Len(t, got, 1)
	assert.Equal(t, spanLine, got[keys(got)[0]], "the partial last line is cut off")
	assert.NoFileExists(t, killed)
	assert.NoFileExists(t, empty, "no whole line: deleted")
	assert.FileExists(t, recent, "written lately: it may still be closed by its server")
}

func TestRunShipsUntilCancelled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.places.set(f.place)
	s, err := obsship.New(obsship.Config{ServersDir: f.servers, Files: f.files, Places: f.places, Interval: 10 * time.Millisecond})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	open := f.write(t, "spans", "20261122T225557453Z_a93343cb.jsonl.open", spanLine)
	local := strings.TrimSuffix(open, ".open")
	require.NoError(t, os.Rename(open, local)) // closed as the entry closes it
	require.Eventually(t, func() bool { _, err := os.Stat(local); return os.IsNotExist(err) }, 10*time.Second, 10*time.Millisecond)
	assert.Len(t, f.stored(t), 1)
	cancel()
	<-done
}

func TestNoServersFolderIsNoError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p, err := f.shipper(t, f.files).Ship(context.Background())
	require.NoError(t, err)
	assert.Equal(t, obsship.Pass{}, p)
}

func TestConfigIsChecked(t *testing.T) {
	t.Parallel()
	_, err := obsship.New(obsship.Config{ServersDir: "relative", Interval: -1})
	require.Error(t, err)
	for _, want := range []string{`the servers folder "relative" is not absolute`, "no file storage", "no servers read model", "cannot be negative"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestOpenedAt(t *testing.T) {
	t.Parallel()
	at, ok := obsship.OpenedAt("20261122T225557453Z_a93343cb.jsonl")
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 11, 22, 22, 55, 57, 453e6, time.UTC), at)
	for _, n := range []string{"tiny.jsonl", "20261122T225557453_a.jsonl", "2026112XT225557453Z_a.jsonl", "20261122T225557453Z.jsonl"} {
		_, ok := obsship.OpenedAt(n)
		assert.False(t, ok, n)
	}
}
