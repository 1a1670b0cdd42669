package project_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

func TestCheckEnvName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED",
		"NODE_ICU_DATA", "PATH", "GCONV_PATH", "GLIBC_TUNABLES", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
		"DYLD_INSERT_LIBRARIES", "ld_preload", "Node_Options", "path"} {
		err := project.CheckEnvName(name, nil)
		require.Error(t, err, name)
		assert.True(t, errors.Is(err, domain.ErrInvalid), "%s: invalid_argument", name)
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
		var refused *project.EnvNameRefusedError
		require.True(t, errors.As(err, &refused), name)
		assert.Equal(t, name, refused.Name)
		assert.Contains(t, err.Error(), "env var "+name+" changes how Node")
		assert.Contains(t, err.Error(), "PUT /api/projects/{id}/env-policy")
	}
	for _, name := range []string{"DATABASE_URL", "NODE_ENV", "OPENAI_API_KEY", "MY_PATH", "PATHS", "LDAP_URL", "OLD_PRELOAD"} {
		assert.NoError(t, project.CheckEnvName(name, nil), name)
	}
	allowed := []string{"NODE_OPTIONS", "LD_PRELOAD"}
	assert.NoError(t, project.CheckEnvName("NODE_OPTIONS", allowed))
	assert.NoError(t, project.CheckEnvName("LD_PRELOAD", allowed))
	assert.Error(t, project.CheckEnvName("node_options", allowed), "names compare case-sensitively")
	assert.Error(t, project.CheckEnvName("LD_LIBRARY_PATH", allowed), "allowing one LD_ name allows only that one")
	assert.Error(t, project.CheckEnvName("PATH", allowed))
}

func TestAllowEnvNames(t *testing.T) {
	t.Parallel()
	id, teamID, admin := uuid.New(), uuid.New(), uuid.New()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	created := project.Created{ProjectID: id, TeamID: teamID, Name: "Shop", Slug: "shop", SourceType: "local", DefaultBranch: "main", At: at}
	allowed := func(names ...string) project.EnvNamesAllowed {
		return project.EnvNamesAllowed{ProjectID: id, TeamID: teamID, Names: names, By: admin, At: at}
	}
	tests := []struct {
		name    string
		given   []domain.Event
		when    []string
		then    []domain.Event
		wantErr string
	}{
		{name: "allow, sorted and once", given: []domain.Event{created}, when: []string{"NODE_OPTIONS", "LD_PRELOAD", "NODE_OPTIONS"},
			then: []domain.Event{allowed("LD_PRELOAD", "NODE_OPTIONS")}},
		{name: "the same list again changes nothing", given: []domain.Event{created, allowed("LD_PRELOAD", "NODE_OPTIONS")},
			when: []string{"NODE_OPTIONS", "LD_PRELOAD"}},
		{name: "replace", given: []domain.Event{created, allowed("LD_PRELOAD", "NODE_OPTIONS")}, when: []string{"PATH"},
			then: []domain.Event{allowed("PATH")}},
		{name: "clear", given: []domain.Event{created, allowed("PATH")}, when: []string{}, then: []domain.Event{allowed([]string{}...)}},
		{name: "clear what is clear changes nothing", given: []domain.Event{created, allowed("PATH"), allowed()}, when: nil},
		{name: "a name allowed anyway", given: []domain.Event{created}, when: []string{"NODE_OPTIONS", "DATABASE_URL"},
			wantErr: "allowedNames: DATABASE_URL is allowed without a policy"},
		{name: "not an env name", given: []domain.Event{created}, when: []string{"ld_preload"},
			wantErr: `allowedNames: "ld_preload" is not an env var name`},
		{name: "empty name", given: []domain.Event{created}, when: []string{""}, wantErr: `allowedNames: "" is not an env var name`},
		{name: "deleted project", given: []domain.Event{created, project.Deleted{ProjectID: id, TeamID: teamID, Slug: "shop"}},
			when: []string{"PATH"}, wantErr: "not found"},
		{name: "no project", when: []string{"PATH"}, wantErr: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p project.Project
			for _, e := range tt.given {
				var err error
				p, err = project.Evolve(p, e)
				require.NoError(t, err)
			}
			evs, err := project.AllowEnvNames{Names: tt.when, By: admin, At: at}.Decide(p)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.then, evs)
			for _, e := range evs {
				p, err = project.Evolve(p, e)
				require.NoError(t, err)
			}
			for _, n := range tt.when {
				assert.NoError(t, project.CheckEnvName(n, p.AllowedEnvNames), "%s is allowed once decided", n)
			}
		})
	}
}
