package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestEnvVarsSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const plaintext = "sk-live-THIS-MUST-NOT-LEAK-4242"
	base := projectsDir(t)
	e := startWithSources(t, base)
	logs := &lockedBuffer{}
	e.Log.SetOutput(logs)
	e.Log.SetLevel(logrus.TraceLevel)

	alice := e.token(t, "alice@example.com", false)
	var bodies []string
	do := func(method, path, body string) response {
		res := e.do(t, method, path, alice, strings.NewReader(body))
		bodies = append(bodies, string(res.body))
		return res
	}
	res := do("POST", "/api/teams", `{"name":"Acme"}`)
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Agent", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	id := res.json(t)["id"].(string)

	res = do("PUT", "/api/projects/"+id+"/env/OPENAI_API_KEY", `{"value":"`+plaintext+`","secret":true}`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Nil(t, res.json(t)["value"], "a secret's value is not echoed")
	res = do("PUT", "/api/projects/"+id+"/env/LOG_LEVEL", `{"value":"debug"}`)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "debug", res.json(t)["value"])

	res = do("GET", "/api/projects/"+id+"/env", "")
	require.Equal(t, http.StatusOK, res.status)
	env := map[string]map[string]any{}
	for _, v := range res.json(t)["env"].([]any) {
		m := v.(map[string]any)
		env[m["key"].(string)] = m
	}
	assert.Equal(t, "debug", env["LOG_LEVEL"]["value"], "non-secret values are shown")
	assert.Nil(t, env["OPENAI_API_KEY"]["value"], "secret values are masked")
	assert.Equal(t, true, env["OPENAI_API_KEY"]["secret"])

	for name, c := range map[string]struct{ path, body string }{
		"lower-case name": {"/env/openai", `{"value":"x"}`}, "leading digit": {"/env/1KEY", `{"value":"x"}`},
		"too long": {"/env/BIG", `{"value":"` + strings.Repeat("x", 32<<10+1) + `"}`}, "unknown field": {"/env/K", `{"value":"x","ttl":3}`},
	} {
		res = do("PUT", "/api/projects/"+id+c.path, c.body)
		assert.Equal(t, http.StatusBadRequest, res.status, name)
	}
	res = do("PUT", "/api/projects/"+id+"/env/OPENAI_API_KEY", `{"value":"`+plaintext+`-2","secret":true}`)
	require.Equal(t, http.StatusOK, res.status, "overwriting a secret")
	require.Equal(t, http.StatusNoContent, do("DELETE", "/api/projects/"+id+"/env/LOG_LEVEL", "").status)
	assert.Equal(t, http.StatusNotFound, do("DELETE", "/api/projects/"+id+"/env/LOG_LEVEL", "").status)
	res = do("GET", "/api/projects/"+id+"/env", "")
	assert.Len(t, res.json(t)["env"], 1)

	// A deployment's override of the secret, and of a plain variable.
	res = do("POST", "/api/projects/"+id+"/deployments", `{"type":"staging"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	dep := res.json(t)["id"].(string)
	res = do("PUT", "/api/deployments/"+dep+"/env/OPENAI_API_KEY", `{"value":"`+plaintext+`-staging","secret":true}`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Nil(t, res.json(t)["value"], "a secret override's value is not echoed")
	res = do("GET", "/api/deployments/"+dep+"/env", "")
	require.Equal(t, http.StatusOK, res.status, string(res.body))

	e.CaughtUp(t)
	// The plaintext, and its base64 at each alignment ([]byte fields are
	// base64 in JSON), in no event and no audit row.
	needles := []string{"THIS-MUST-NOT-LEAK"}
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), plaintext...))
		needles = append(needles, enc[4:len(enc)-4])
	}
	var inEvents int
	require.NoError(t, e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM events, unnest($1::text[]) n
		WHERE payload::text LIKE '%' || n || '%' OR metadata::text LIKE '%' || n || '%'`, needles).Scan(&inEvents))
	assert.Zero(t, inEvents, "no event holds the secret")
	var inAudit int
	require.NoError(t, e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log, unnest($1::text[]) n
		WHERE payload::text LIKE '%' || n || '%' OR summary LIKE '%' || n || '%'`, needles).Scan(&inAudit))
	assert.Zero(t, inAudit, "no audit row holds the secret")
	var kept, redacted int
	require.NoError(t, e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE f.value <> '[redacted]'),
		count(*) FILTER (WHERE f.value = '[redacted]') FROM audit_log, jsonb_each_text(payload) f WHERE f.key = ANY($1)`,
		[]string{"secretHash", "tokenHash", "nonce", "ciphertext"}).Scan(&kept, &redacted))
	assert.Zero(t, kept, "the audit log keeps no sealed value or credential hash")
	assert.Positive(t, redacted, "the env var and token events are in the audit log, redacted")
	for _, b := range bodies {
		assert.NotContains(t, b, "THIS-MUST-NOT-LEAK", "no API response holds the secret")
	}
	assert.NotEmpty(t, logs.String(), "logs were captured")
	assert.NotContains(t, logs.String(), "THIS-MUST-NOT-LEAK", "no log line holds the secret")
	projectiontest.AssertRebuildIdentical(t, e.Store, e.Projections...)
}
