package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/audit"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Queries reads the read models.
type Queries struct {
	db eventstore.DBTX
}

// NewQueries returns Queries over db.
func NewQueries(db eventstore.DBTX) *Queries { return &Queries{db: db} }

// CredentialByPrefix returns the token with the given public prefix.
func (q *Queries) CredentialByPrefix(ctx context.Context, prefix string) (user.Credential, bool, error) {
	var c user.Credential
	err := q.db.QueryRow(ctx, `SELECT t.id, t.user_id, u.email, u.platform_admin, t.secret_hash, t.expires_at,
		t.revoked_at IS NOT NULL FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.prefix = $1`, prefix).
		Scan(&c.TokenID, &c.UserID, &c.Email, &c.PlatformAdmin, &c.SecretHash, &c.ExpiresAt, &c.Revoked)
	return c, found(err), ignoreNoRows(err)
}

// UserByEmail returns the user with a normalized email.
func (q *Queries) UserByEmail(ctx context.Context, email string) (user.View, bool, error) {
	var u user.View
	err := q.db.QueryRow(ctx, `SELECT id, email, name, platform_admin, created_at FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.PlatformAdmin, &u.CreatedAt)
	return u, found(err), ignoreNoRows(err)
}

// UserByID returns a user.
func (q *Queries) UserByID(ctx context.Context, id uuid.UUID) (user.View, bool, error) {
	var u user.View
	err := q.db.QueryRow(ctx, `SELECT id, email, name, platform_admin, created_at FROM users WHERE id = $1`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.PlatformAdmin, &u.CreatedAt)
	return u, found(err), ignoreNoRows(err)
}

const teamColumns = `t.id, t.name, t.slug, t.created_by, t.created_at, t.updated_at`

func scanTeam(row pgx.Row) (team.View, error) {
	var v team.View
	err := row.Scan(&v.ID, &v.Name, &v.Slug, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt)
	return v, err
}

// Team returns a live team.
func (q *Queries) Team(ctx context.Context, id uuid.UUID) (team.View, bool, error) {
	v, err := scanTeam(q.db.QueryRow(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.id = $1 AND t.deleted_at IS NULL`, id))
	return v, found(err), ignoreNoRows(err)
}

// TeamsOf returns the live teams a user belongs to, with the user's role.
func (q *Queries) TeamsOf(ctx context.Context, userID uuid.UUID) ([]team.View, error) {
	rows, err := q.db.Query(ctx, `SELECT `+teamColumns+`, m.role FROM teams t JOIN team_members m ON m.team_id = t.id
		WHERE m.user_id = $1 AND t.deleted_at IS NULL ORDER BY t.slug`, userID)
	if err != nil {
		return nil, fmt.Errorf("list teams of %s: %w", userID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (team.View, error) {
		var v team.View
		var role string
		err := r.Scan(&v.ID, &v.Name, &v.Slug, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &role)
		v.Role = domain.Role(role)
		return v, err
	})
}

// AllTeams returns every live team.
func (q *Queries) AllTeams(ctx context.Context) ([]team.View, error) {
	rows, err := q.db.Query(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.deleted_at IS NULL ORDER BY t.slug`)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (team.View, error) { return scanTeam(r) })
}

// MemberRole returns a user's role in a live team.
func (q *Queries) MemberRole(ctx context.Context, teamID, userID uuid.UUID) (domain.Role, bool, error) {
	var role string
	err := q.db.QueryRow(ctx, `SELECT m.role FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.team_id = $1 AND m.user_id = $2 AND t.deleted_at IS NULL`, teamID, userID).Scan(&role)
	return domain.Role(role), found(err), ignoreNoRows(err)
}

// Members returns a team's members, owners first.
func (q *Queries) Members(ctx context.Context, teamID uuid.UUID) ([]team.MemberView, error) {
	rows, err := q.db.Query(ctx, `SELECT m.user_id, COALESCE(u.email, ''), COALESCE(u.name, ''), m.role, m.joined_at
		FROM team_members m LEFT JOIN users u ON u.id = m.user_id WHERE m.team_id = $1
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'developer' THEN 2 ELSE 3 END, u.email`, teamID)
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", teamID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (team.MemberView, error) {
		var m team.MemberView
		var role string
		err := r.Scan(&m.UserID, &m.Email, &m.Name, &role, &m.JoinedAt)
		m.Role = domain.Role(role)
		return m, err
	})
}

// Audit returns audit entries in position order (newest first when
// f.Before is set).
func (q *Queries) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	sql := `SELECT position, event_id, event_type, stream_id, team_id, actor, request_id, recorded_at, summary, payload
		FROM audit_log WHERE position > $1 AND ($2::timestamptz IS NULL OR recorded_at >= $2)`
	args := []any{f.After, nullTime(f.Since), f.Limit}
	if f.TeamIDs != nil {
		args = append(args, f.TeamIDs)
		sql += fmt.Sprintf(` AND team_id = ANY($%d)`, len(args))
	}
	order := ` ORDER BY position LIMIT $3`
	if f.Before > 0 {
		args = append(args, f.Before)
		sql += fmt.Sprintf(` AND position < $%d`, len(args))
		order = ` ORDER BY position DESC LIMIT $3`
	}
	sql += order
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Entry, error) {
		var a audit.Entry
		err := r.Scan(&a.Position, &a.EventID, &a.EventType, &a.StreamID, &a.TeamID, &a.Actor, &a.RequestID,
			&a.RecordedAt, &a.Summary, &a.Payload)
		return a, err
	})
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func found(err error) bool { return err == nil }

func ignoreNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

const inviteColumns = `id, team_id, email, role, status, invited_by, expires_at, created_at`

func scanInvite(row pgx.Row) (team.InviteView, error) {
	var v team.InviteView
	var role string
	err := row.Scan(&v.ID, &v.TeamID, &v.Email, &role, &v.Status, &v.InvitedBy, &v.ExpiresAt, &v.CreatedAt)
	v.Role = domain.Role(role)
	return v, err
}

// InviteByTokenHash returns the invite whose token hashes to hash.
func (q *Queries) InviteByTokenHash(ctx context.Context, hash string) (team.InviteView, bool, error) {
	v, err := scanInvite(q.db.QueryRow(ctx, `SELECT `+inviteColumns+` FROM team_invites WHERE token_hash = $1`, hash))
	return v, found(err), ignoreNoRows(err)
}

// Invites returns a team's invites, newest first.
func (q *Queries) Invites(ctx context.Context, teamID uuid.UUID) ([]team.InviteView, error) {
	rows, err := q.db.Query(ctx, `SELECT `+inviteColumns+` FROM team_invites WHERE team_id = $1 ORDER BY created_at DESC, id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("list invites of %s: %w", teamID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (team.InviteView, error) { return scanInvite(r) })
}

const tokenColumns = `t.id, t.user_id, t.name, t.prefix, t.expires_at, u.last_used_at, t.revoked_at, t.created_at`

func scanToken(row pgx.Row) (user.TokenView, error) {
	var v user.TokenView
	err := row.Scan(&v.ID, &v.UserID, &v.Name, &v.Prefix, &v.ExpiresAt, &v.LastUsedAt, &v.RevokedAt, &v.CreatedAt)
	return v, err
}

// TokensOf returns a user's tokens, newest first.
func (q *Queries) TokensOf(ctx context.Context, userID uuid.UUID) ([]user.TokenView, error) {
	rows, err := q.db.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t LEFT JOIN token_usage u ON u.token_id = t.id
		WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens of %s: %w", userID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (user.TokenView, error) { return scanToken(r) })
}

// Token returns one token.
func (q *Queries) Token(ctx context.Context, id uuid.UUID) (user.TokenView, bool, error) {
	v, err := scanToken(q.db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t
		LEFT JOIN token_usage u ON u.token_id = t.id WHERE t.id = $1`, id))
	return v, found(err), ignoreNoRows(err)
}

const projectColumns = `id, team_id, name, slug, subdomain_base, source_type, source_config, default_branch, allowed_env_names,
	created_by, created_at, updated_at`

func scanProject(row pgx.Row) (project.View, error) {
	var v project.View
	err := row.Scan(&v.ID, &v.TeamID, &v.Name, &v.Slug, &v.SubdomainBase, &v.SourceType, &v.SourceConfig, &v.DefaultBranch, &v.AllowedEnvNames,
		&v.CreatedBy, &v.CreatedAt, &v.UpdatedAt)
	return v, err
}

// Project returns a live project.
func (q *Queries) Project(ctx context.Context, id uuid.UUID) (project.View, bool, error) {
	v, err := scanProject(q.db.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = $1 AND deleted_at IS NULL`, id))
	return v, found(err), ignoreNoRows(err)
}

// ProjectsOf returns a team's live projects by slug.
func (q *Queries) ProjectsOf(ctx context.Context, teamID uuid.UUID) ([]project.View, error) {
	rows, err := q.db.Query(ctx, `SELECT `+projectColumns+` FROM projects WHERE team_id = $1 AND deleted_at IS NULL ORDER BY slug`, teamID)
	if err != nil {
		return nil, fmt.Errorf("list projects of %s: %w", teamID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.View, error) { return scanProject(r) })
}

// ProjectForMember returns a live project with the role userID holds in its
// team ("" when none), in one query, so that checking access costs no
// extra round trip.
func (q *Queries) ProjectForMember(ctx context.Context, id, userID uuid.UUID) (project.View, domain.Role, bool, error) {
	var v project.View
	var role *string
	err := q.db.QueryRow(ctx, `SELECT p.id, p.team_id, p.name, p.slug, p.subdomain_base, p.source_type, p.source_config, p.default_branch,
		p.allowed_env_names, p.created_by, p.created_at, p.updated_at, m.role
		FROM projects p JOIN teams t ON t.id = p.team_id AND t.deleted_at IS NULL
		LEFT JOIN team_members m ON m.team_id = p.team_id AND m.user_id = $2
		WHERE p.id = $1 AND p.deleted_at IS NULL`, id, userID).
		Scan(&v.ID, &v.TeamID, &v.Name, &v.Slug, &v.SubdomainBase, &v.SourceType, &v.SourceConfig, &v.DefaultBranch, &v.AllowedEnvNames,
			&v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &role)
	var r domain.Role
	if role != nil {
		r = domain.Role(*role)
	}
	return v, r, found(err), ignoreNoRows(err)
}

// ProjectEnv returns a project's env vars, sealed, by name.
func (q *Queries) ProjectEnv(ctx context.Context, projectID uuid.UUID) ([]project.SealedEnv, error) {
	return q.sealedEnv(ctx, `SELECT key, secret, nonce, ciphertext, updated_by, updated_at FROM project_env
		WHERE project_id = $1 ORDER BY key`, projectID)
}

// sealedEnv runs query, which selects sealed env vars by an id.
func (q *Queries) sealedEnv(ctx context.Context, query string, id uuid.UUID) ([]project.SealedEnv, error) {
	rows, err := q.db.Query(ctx, query, id)
	if err != nil {
		return nil, fmt.Errorf("list env of %s: %w", id, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (project.SealedEnv, error) {
		var s project.SealedEnv
		err := r.Scan(&s.Key, &s.Secret, &s.Nonce, &s.Ciphertext, &s.UpdatedBy, &s.UpdatedAt)
		return s, err
	})
}
