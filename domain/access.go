package domain

// Action is something a caller may do to a team's resources.
type Action string

// The actions of the first product slice. Issue-by-issue, more follow.
const (
	ActionTeamRead    Action = "team.read"
	ActionTeamUpdate  Action = "team.update"
	ActionTeamDelete  Action = "team.delete"
	ActionMembersRead Action = "members.read"
	ActionAuditRead   Action = "audit.read"
	// ActionMembersManage covers invites and others' roles and membership;
	// the membership rules of package team decide the rest.
	ActionMembersManage Action = "members.manage"
	// ActionProjectWrite covers creating and changing projects.
	ActionProjectWrite Action = "project.write"
	// ActionProjectDelete covers deleting projects.
	ActionProjectDelete Action = "project.delete"
	// ActionDeploymentWrite covers creating, changing and deleting
	// deployments and their env overrides.
	ActionDeploymentWrite Action = "deployment.write"
	// ActionBuildWrite covers deploying (queueing a build) and cancelling
	// builds.
	ActionBuildWrite Action = "build.write"
)

// minimumRole is the policy: the weakest role allowed each action.
var minimumRole = map[Action]Role{
	ActionTeamRead:        RoleViewer,
	ActionMembersRead:     RoleViewer,
	ActionTeamUpdate:      RoleAdmin,
	ActionAuditRead:       RoleAdmin,
	ActionMembersManage:   RoleAdmin,
	ActionProjectWrite:    RoleDeveloper,
	ActionProjectDelete:   RoleAdmin,
	ActionTeamDelete:      RoleOwner,
	ActionDeploymentWrite: RoleDeveloper,
	ActionBuildWrite:      RoleDeveloper,
}

// Can reports whether a member with role may do action. Unknown actions
// are denied.
func Can(role Role, action Action) bool {
	min, ok := minimumRole[action]
	return ok && role.AtLeast(min)
}
