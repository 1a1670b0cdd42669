package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain"
)

func TestValidateSlug(t *testing.T) {
	t.Parallel()
	for slug, ok := range map[string]bool{
		"a": true, "job-agent": true, "a1-b2": true, "0": true,
		"": false, "A": false, "-a": false, "a-": false, "a--b": false, "a_b": false, "a.b": false,
		"abcdefghijabcdefghijabcdefghij": true, "abcdefghijabcdefghijabcdefghijk": false,
	} {
		err := domain.ValidateSlug("team", slug)
		if ok {
			assert.NoError(t, err, slug)
		} else {
			assert.ErrorIs(t, err, domain.ErrInvalid, slug)
		}
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Job Agents!": "job-agents", "  Hello   World  ": "hello-world", "Ünïcode Team": "n-code-team",
		"!!!": "", "a--b": "a-b", "A Very Long Team Name That Keeps Going On": "a-very-long-team-name-that-kee",
	} {
		got := domain.Slugify(name)
		assert.Equal(t, want, got, name)
		if got != "" {
			assert.NoError(t, domain.ValidateSlug("team", got))
		}
	}
}

func TestRolesAndPolicy(t *testing.T) {
	t.Parallel()
	_, err := domain.ParseRole("superuser")
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.True(t, domain.Can(domain.RoleViewer, domain.ActionTeamRead))
	assert.False(t, domain.Can(domain.RoleDeveloper, domain.ActionTeamUpdate))
	assert.True(t, domain.Can(domain.RoleAdmin, domain.ActionTeamUpdate))
	assert.False(t, domain.Can(domain.RoleAdmin, domain.ActionTeamDelete))
	assert.True(t, domain.Can(domain.RoleOwner, domain.ActionTeamDelete))
	assert.False(t, domain.Can(domain.Role(""), domain.ActionTeamRead))
	assert.False(t, domain.Can(domain.RoleOwner, domain.Action("unknown")))
}
