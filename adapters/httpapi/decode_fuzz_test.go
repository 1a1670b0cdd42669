package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// FuzzDecodeJSON feeds arbitrary bodies to the decoder of every request
// type: it must either fill the value or return an invalid_argument error,
// never panic or return another kind of error.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Acme"}`, `{"name":"Acme","slug":"acme"}`, `{"name":1}`, `{"email":"a@b.c","role":"viewer"}`,
		`{"role":"admin"}`, `{"name":"ci","expiresAt":"2030-01-01T00:00:00Z"}`, `{"name":"x","expiresAt":"soon"}`,
		`{"name":"Agent","sourceType":"local","sourceConfig":{"path":"/srv/agent"},"defaultBranch":"main"}`,
		`{"name":"Agent","sourceConfig":"x"}`, `{"defaultBranch":null}`, `{"value":"v","secret":true}`, `{"value":7}`,
		`{"type":"preview","branch":"feature/x","slug":"pr-1","expiresAt":"2030-01-01T00:00:00Z"}`, `{"type":"production"}`,
		`{"type":"preview","expiresAt":1}`,
		`{"value":"a","secret":true,"secret":false}`, `{"value":"a","Secret":true}`, `{"VALUE":"a"}`, `{"value":"a","ſecret":true}`,
		`{"value":null}`, ` null `, `{"name":"Agent","sourceConfig":{"path":"/a","path":"/b"}}`, `{"sourceConfig":{"a":[{"b":1,"b":2}]}}`,
		`{"name":"x","\u006eame":"y"}`, `{"defaultBranch":null,"name":null}`, `{"expiresAt":null}`,
		`[]`, `null`, `{"a":{"b":[1,2,{"c":null}]}}`, `{"name":"x"} {"name":"y"}`, `{"name":"\u0000"}`, ``, `{`, `"str"`,
	} {
		f.Add([]byte(seed))
	}
	targets := []func() any{
		func() any { return &commands.CreateTeamInput{} }, func() any { return &commands.UpdateTeamInput{} },
		func() any { return &commands.InviteInput{} }, func() any { return &roleInput{} },
		func() any { return &commands.TokenInput{} }, func() any { return &commands.ProjectInput{} },
		func() any { return &commands.UpdateProjectInput{} }, func() any { return &commands.EnvInput{} },
		func() any { return &commands.DeploymentInput{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			dst := target()
			err := decodeJSON(r, dst)
			if err == nil {
				if !json.Valid(body) {
					t.Fatalf("accepted invalid JSON %q into %T", body, dst)
				}
				continue
			}
			if domain.KindOf(err) != domain.KindInvalid {
				t.Fatalf("decoding %q into %T: %v is not invalid_argument", body, dst, err)
			}
		}
	})
}
