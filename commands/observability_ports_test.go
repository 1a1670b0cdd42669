package commands_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
)

func TestObservabilityPathRoundTrip(t *testing.T) {
	t.Parallel()
	p, d, id := uuid.New(), uuid.New(), uuid.New()
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.FixedZone("x", 3600))
	path := commands.ObservabilityPath(commands.KindSpans, p, d, at, id)
	assert.Equal(t, "observability/spans/"+p.String()+"/"+d.String()+"/20260304T040607.123456Z_"+id.String()+".jsonl", path)
	require.NoError(t, commands.CheckStoragePath(path))
	f, err := commands.ParseObservabilityPath(path)
	require.NoError(t, err)
	assert.Equal(t, commands.ObservabilityFile{Path: path, Kind: commands.KindSpans, ProjectID: p, DeploymentID: d}, f)
}

func TestParseObservabilityPathRefuses(t *testing.T) {
	t.Parallel()
	p, d := uuid.New().String(), uuid.New().String()
	for _, bad := range []string{
		"",
		"processed/observability/logs/" + p + "/" + d + "/x.jsonl",
		"observability/metrics/" + p + "/" + d + "/x.jsonl",
		"observability/logs/nope/" + d + "/x.jsonl",
		"observability/logs/" + p + "/nope/x.jsonl",
		"observability/logs/" + p + "/" + d + "/x.json",
		"observability/logs/" + p + "/" + d + "/.jsonl",
		"observability/logs/" + p + "/" + d + "/sub/x.jsonl",
		"observability/logs/" + p + "/x.jsonl",
	} {
		_, err := commands.ParseObservabilityPath(bad)
		assert.ErrorIs(t, err, commands.ErrObservabilityPath, bad)
	}
}
