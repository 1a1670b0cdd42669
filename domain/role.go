package domain

import "fmt"

// Role is a member's role in a team.
type Role string

// The team roles, weakest first.
const (
	RoleViewer    Role = "viewer"
	RoleDeveloper Role = "developer"
	RoleAdmin     Role = "admin"
	RoleOwner     Role = "owner"
)

var roleRank = map[Role]int{RoleViewer: 1, RoleDeveloper: 2, RoleAdmin: 3, RoleOwner: 4}

// ParseRole validates s.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if roleRank[r] == 0 {
		return "", Errorf(KindInvalid, "role %q: must be viewer, developer, admin or owner", s)
	}
	return r, nil
}

// AtLeast reports whether r is as strong as min.
func (r Role) AtLeast(min Role) bool { return roleRank[r] >= roleRank[min] && roleRank[r] > 0 }

// String returns the role name.
func (r Role) String() string { return fmt.Sprint(string(r)) }
