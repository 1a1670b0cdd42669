package bundler

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
)

// fakeMastraJS is a stand-in for @mastra/core's Mastra, with the API the
// entry uses: index.mjs below drives it.
const fakeMastraJS = `
export class Mastra {
  #server; #logger; #exporters = [];
  constructor(c) { this.#server = c?.server; this.#logger = c?.logger; }
  getServer() { return this.#server; }
  setServer(s) { this.#server = s; }
  getLogger() { return this.#logger; }
  setLogger({ logger }) {
    this.#logger = logger;
    logger.__attachObservability?.({ resolveTraceFields: () => (globalThis.span ? { trace_id: 't1', span_id: globalThis.span } : undefined) });
  }
  registerExporter(e) { this.#exporters.push(e); }
  getWorkflow() {}
  async emit(type, s) { for (const e of this.#exporters) await e.exportTracingEvent({ type, exportedSpan: s }); }
}
`

const fakeLoggerJS = `
export class MastraLogger { constructor() {} getTransports() { return new Map(); } trackException() {} }
export class MultiLogger {
  constructor(l) { this.loggers = l; }
  __attachObservability(ctx) { for (const l of this.loggers) l.__attachObservability?.(ctx); }
  debug(m, ...a) { this.loggers.forEach((l) => l.debug(m, ...a)); }
  info(m, ...a) { this.loggers.forEach((l) => l.info(m, ...a)); }
  warn(m, ...a) { this.loggers.forEach((l) => l.warn(m, ...a)); }
  error(m, ...a) { this.loggers.forEach((l) => l.error(m, ...a)); }
}
`

// fakeProject writes a built project whose node_modules hold a fake
// @mastra/core of version (with mastraJS as its Mastra module; none when
// version is empty) and @mastra/observability 1.17.9, and returns its
// bundle folder.
func fakeProject(t *testing.T, version, mastraJS string) string {
	t.Helper()
	app := filepath.Join(t.TempDir(), "app")
	files := map[string]string{
		"package.json": `{"name":"fake-math"}`,
		"node_modules/@mastra/observability/package.json": `{"name":"@mastra/observability","version":"1.17.9","type":"module","exports":{".":"./index.js"}}`,
		"node_modules/@mastra/observability/index.js":     "export class Observability {}\nexport class DefaultObservabilityInstance {}\n",
		".mastra/output/package.json":                     `{"name":"server","type":"module"}`,
		".mastra/output/mastra.mjs": `import { Mastra } from '@mastra/core/mastra';
export const m = new Mastra({ server: { port: 4999, host: '0.0.0.0', apiPrefix: '/x' }, logger: { info: (msg) => console.log('user logger:', msg), debug() {}, warn() {}, error() {} } });
export const other = { getServer() {} };
`,
		".mastra/output/index.mjs": `import { m } from './mastra.mjs';
import fs from 'node:fs';
fs.writeFileSync(process.env.RESULT, JSON.stringify(m.getServer()));
globalThis.span = 's1';
await m.emit('span_started', { id: 's1', traceId: 't1', name: 'run', type: 'workflow_run', isRootSpan: true, startTime: new Date() });
m.getLogger().info('step running', { value: 21 });
globalThis.span = undefined;
await m.emit('span_ended', { id: 's1', traceId: 't1', name: 'run', type: 'workflow_run', isRootSpan: true, output: { message: 'result is 42' } });
m.getLogger().debug('not written at info');
`,
	}
	if version != "" {
		files["node_modules/@mastra/core/package.json"] = fmt.Sprintf(`{"name":"@mastra/core","version":%q,"type":"module","exports":{"./mastra":"./mastra.js","./logger":"./logger.js"}}`, version)
		files["node_modules/@mastra/core/mastra.js"] = mastraJS
		files["node_modules/@mastra/core/logger.js"] = fakeLoggerJS
	}
	for name, text := range files {
		p := filepath.Join(app, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return filepath.Join(app, ".mastra", "output")
}

// job is an InjectJob whose commands run as this user; npm is refused
// (the fake project has its observability package).
func job(node, out string, log io.Writer) local.InjectJob {
	return local.InjectJob{Dir: out, Node: node, Log: log, Run: func(ctx context.Context, c local.Cmd) error {
		if c.Name != node {
			return fmt.Errorf("unexpected command %s", c.Name)
		}
		cmd := exec.CommandContext(ctx, c.Name, c.Args...)
		cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = out, c.Stdin, c.Stdout, log
		if cmd.Stdout == nil {
			cmd.Stdout = log
		}
		return cmd.Run()
	}}
}

// TestInjectRefusesAMastraWithoutItsInternals runs the real probe on
// fake projects: no @mastra/core, an old one, one without
// registerExporter. Each build fails saying why; nothing is written.
func TestInjectRefusesAMastraWithoutItsInternals(t *testing.T) {
	t.Parallel()
	node := testNode(t)
	b, err := New(Config{})
	require.NoError(t, err)
	noExporter := strings.Replace(fakeMastraJS, "registerExporter(e)", "addExporter(e)", 1)
	for name, c := range map[string]struct{ version, mastra, want string }{
		"absent":      {"", "", "the bundle does not resolve @mastra/core"},
		"old":         {"1.2.0", fakeMastraJS, "the project uses @mastra/core 1.2.0, which is too old for MastraAdmin: it needs 1.16.0 or later"},
		"no exporter": {"1.20.0", noExporter, "the project's @mastra/core 1.20.0 lacks what MastraAdmin needs (MastraAdmin reports a server's traces and logs through it): Mastra.registerExporter; upgrade"},
		"broken":      {"1.20.0", "syntax error here", "the project's @mastra/core 1.20.0 lacks what MastraAdmin needs"},
	} {
		out := fakeProject(t, c.version, c.mastra)
		var log bytes.Buffer
		err := b.Inject(context.Background(), job(node, out, &log))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), c.want, "%s; log:\n%s", name, log.String())
		assert.NoFileExists(t, filepath.Join(out, local.EntryFile), name)
	}
}

// TestInjectedEntryForcesThePortAndWritesSpansAndLogs injects into a
// fake project and runs the entry: the Mastra instance is found among
// other exports, the assigned port and host replace the project's, spans
// and logs land as closed JSONL files with the trace ID, and the
// project's logger still gets its lines.
func TestInjectedEntryForcesThePortAndWritesSpansAndLogs(t *testing.T) {
	t.Parallel()
	node := testNode(t)
	b, err := New(Config{})
	require.NoError(t, err)
	out := fakeProject(t, "1.71.0", fakeMastraJS)
	var log bytes.Buffer
	require.NoError(t, b.Inject(context.Background(), job(node, out, &log)), log.String())
	assert.Contains(t, log.String(), "==> @mastra/core 1.71.0\n==> @mastra/observability 1.17.9 (the project's)\n")
	assert.FileExists(t, filepath.Join(out, JSONLFile))
	assert.NoDirExists(t, filepath.Join(out, stagingDir))

	obs, result := t.TempDir(), filepath.Join(t.TempDir(), "server.json")
	cmd := exec.Command(node, local.EntryFile)
	cmd.Dir = out
	cmd.Env = append(os.Environ(), "OBS_DIR="+obs, "PORT=4123", "MASTRA_HOST=127.0.0.2", "RESULT="+result)
	stdout, err := cmd.CombinedOutput()
	require.NoError(t, err, string(stdout))
	assert.Contains(t, string(stdout), "user logger: step running")

	var server map[string]any
	data, err := os.ReadFile(result)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &server))
	assert.Equal(t, map[string]any{"port": float64(4123), "host": "127.0.0.2", "apiPrefix": "/x"}, server)

	spans := jsonlFiles(t, filepath.Join(obs, "spans"))
	require.Len(t, spans, 1)
	for name, lines := range spans {
		assert.True(t, strings.HasSuffix(name, ".jsonl"), name)
		require.Len(t, lines, 2)
		assert.Equal(t, "span_started", lines[0]["event"])
		assert.Equal(t, "span_ended", lines[1]["event"])
		assert.Equal(t, "fake-math", lines[1]["service"])
		assert.Equal(t, "t1", lines[1]["traceId"])
		assert.Equal(t, map[string]any{"message": "result is 42"}, lines[1]["output"])
	}
	logs := jsonlFiles(t, filepath.Join(obs, "logs"))
	require.Len(t, logs, 1)
	for _, lines := range logs {
		require.Len(t, lines, 1, "debug is below the level")
		assert.Equal(t, "step running", lines[0]["msg"])
		assert.Equal(t, "t1", lines[0]["traceId"])
		assert.Equal(t, "s1", lines[0]["spanId"])
		assert.Equal(t, map[string]any{"value": float64(21)}, lines[0]["data"])
	}

	// Without OBS_DIR the entry refuses to run rather than report nothing.
	cmd = exec.Command(node, local.EntryFile)
	cmd.Dir = out
	cmd.Env = append(os.Environ(), "PORT=4123", "OBS_DIR=")
	stdout, err = cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(stdout), "mastra-admin: OBS_DIR (an absolute folder for spans and logs) is not set")
}
