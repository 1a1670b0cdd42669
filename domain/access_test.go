package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain"
)

// TestPolicy is the permission table of API.md's roles, action by action:
// the weakest role allowed; every weaker role and a non-member refused.
func TestPolicy(t *testing.T) {
	t.Parallel()
	roles := []domain.Role{domain.RoleViewer, domain.RoleDeveloper, domain.RoleAdmin, domain.RoleOwner}
	for action, weakest := range map[domain.Action]domain.Role{
		domain.ActionTeamRead:        domain.RoleViewer,
		domain.ActionMembersRead:     domain.RoleViewer,
		domain.ActionProjectWrite:    domain.RoleDeveloper,
		domain.ActionDeploymentWrite: domain.RoleDeveloper,
		domain.ActionBuildWrite:      domain.RoleDeveloper,
		domain.ActionTeamUpdate:      domain.RoleAdmin,
		domain.ActionAuditRead:       domain.RoleAdmin,
		domain.ActionMembersManage:   domain.RoleAdmin,
		domain.ActionProjectDelete:   domain.RoleAdmin,
		domain.ActionTeamDelete:      domain.RoleOwner,
	} {
		allowed := false
		for _, r := range roles {
			allowed = allowed || r == weakest
			assert.Equal(t, allowed, domain.Can(r, action), "%s may %s", r, action)
		}
		assert.False(t, domain.Can("", action), "a non-member may not %s", action)
	}
	assert.False(t, domain.Can(domain.RoleOwner, "team.anything"), "unknown actions are denied")
}
