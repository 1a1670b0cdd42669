package commands

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/audit"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// ErrConcurrency is what an EventStore returns when a stream moved on
// since it was loaded.
var ErrConcurrency = errors.New("commands: stream changed concurrently")

// Expectations for Append.Expected besides an exact version.
const (
	AnyVersion int64 = -1
	NoStream   int64 = 0
)

// NewEvent is an event to append with the ID the command decided.
type NewEvent struct {
	ID    uuid.UUID
	Event domain.Event
}

// Append is the events for one stream with the version it must have.
type Append struct {
	StreamID string
	Expected int64
	Events   []NewEvent
}

// Meta is recorded with every event of one command.
type Meta struct {
	Actor         string `json:"actor,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
	CausationID   string `json:"causationId,omitempty"`
	RequestID     string `json:"requestId,omitempty"`
}

// Position is where an append landed in the global order.
type Position struct {
	TransactionID  uint64
	GlobalPosition int64
}

// Guard is a condition that a stream the command read but does not write
// is still at Version when the command's events are recorded.
type Guard struct {
	StreamID string
	Version  int64
}

// Conditions go with an append: claims taken and freed, guards that must
// hold, and a limit on the claims of a kind.
type Conditions struct {
	Claims []Claim
	Guards []Guard
	Limit  *Limit
}

// Limit bounds how many claims may exist in the scopes starting with
// ScopePrefix after the append (the license's teams or projects); appends
// under the same limit are serialized, so concurrent ones cannot overshoot.
type Limit struct {
	ScopePrefix string
	Max         int
}

// ErrLimitReached is what an EventStore returns when an append would pass
// its Limit.
var ErrLimitReached = errors.New("commands: limit reached")

// Claim takes (or, with Release, frees) a unique value in a scope for an
// owner, atomically with an append. With Release and AllValues (and no
// Value), it frees every value the owner holds in the scope. With Move, it
// gives the value From holds to Owner, and the append fails with
// ErrClaimTaken unless From holds it; From equal to Owner only holds it:
// the append needs Owner to hold it, and a concurrent move waits.
type Claim struct {
	Scope     string
	Value     string
	Owner     uuid.UUID
	Release   bool
	AllValues bool
	Move      bool
	From      uuid.UUID
	At        time.Time // the time of the events it goes with
}

// ErrClaimTaken is what an EventStore returns when a claimed value is held
// by another owner.
var ErrClaimTaken = errors.New("commands: value already claimed")

// EventStore loads and appends streams of domain events.
type EventStore interface {
	// Load returns a stream's events and version (0 for no stream).
	Load(ctx context.Context, streamID string) ([]domain.Event, int64, error)
	// Append takes and frees the claims and records all appends atomically,
	// if every guard holds; ErrConcurrency on a version mismatch or a guard
	// that does not hold, ErrClaimTaken on a held value.
	Append(ctx context.Context, meta Meta, cond Conditions, appends ...Append) (Position, error)
	// ClaimOwner returns who holds a value, if anyone.
	ClaimOwner(ctx context.Context, scope, value string) (uuid.UUID, bool, error)
	// ClaimedValues lists the values held in scope.
	ClaimedValues(ctx context.Context, scope string) ([]string, error)
	// CountClaims counts the values held in scope that are value or end
	// with suffix (no suffix: value only).
	CountClaims(ctx context.Context, scope, value, suffix string) (int, error)
}

// ReadModel answers queries from the projections.
type ReadModel interface {
	CredentialByPrefix(ctx context.Context, prefix string) (user.Credential, bool, error)
	UserByEmail(ctx context.Context, email string) (user.View, bool, error)
	UserByID(ctx context.Context, id uuid.UUID) (user.View, bool, error)
	Team(ctx context.Context, id uuid.UUID) (team.View, bool, error)
	TeamsOf(ctx context.Context, userID uuid.UUID) ([]team.View, error)
	AllTeams(ctx context.Context) ([]team.View, error)
	MemberRole(ctx context.Context, teamID, userID uuid.UUID) (domain.Role, bool, error)
	Members(ctx context.Context, teamID uuid.UUID) ([]team.MemberView, error)
	Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
	InviteByTokenHash(ctx context.Context, hash string) (team.InviteView, bool, error)
	TokensOf(ctx context.Context, userID uuid.UUID) ([]user.TokenView, error)
	Project(ctx context.Context, id uuid.UUID) (project.View, bool, error)
	ProjectForMember(ctx context.Context, id, userID uuid.UUID) (project.View, domain.Role, bool, error)
	ProjectsOf(ctx context.Context, teamID uuid.UUID) ([]project.View, error)
	ProjectEnv(ctx context.Context, projectID uuid.UUID) ([]project.SealedEnv, error)
	DeploymentForMember(ctx context.Context, id, userID uuid.UUID) (deployment.View, domain.Role, bool, error)
	DeploymentsOf(ctx context.Context, projectID uuid.UUID) ([]deployment.View, error)
	DeploymentEnv(ctx context.Context, deploymentID uuid.UUID) ([]project.SealedEnv, error)
	ExpiredDeployments(ctx context.Context, now time.Time, limit int) ([]uuid.UUID, error)
	OrphanedDeployments(ctx context.Context, limit int) ([]uuid.UUID, error)
	OrphanedProjects(ctx context.Context, limit int) ([]uuid.UUID, error)
	Token(ctx context.Context, id uuid.UUID) (user.TokenView, bool, error)
	Invites(ctx context.Context, teamID uuid.UUID) ([]team.InviteView, error)
	BuildForMember(ctx context.Context, id, userID uuid.UUID) (build.View, domain.Role, bool, error)
	BuildsOf(ctx context.Context, deploymentID uuid.UUID, limit int) ([]build.View, error)
	QueuedBuilds(ctx context.Context, limit int) ([]build.View, error)
	BuildsRunningOn(ctx context.Context, worker string) ([]build.View, error)
	BuildStatus(ctx context.Context, id uuid.UUID) (build.Status, error)
}

// Builder runs the build pipeline of a started build (a runner adapter).
type Builder interface {
	// Build writes the pipeline's output to log and returns where the
	// artifact is; it stops, and returns an error, when ctx ends.
	Build(ctx context.Context, job build.Job, log io.Writer) (artifact string, err error)
}

// Artifacts keeps built artifacts by ID, so that a server can run one
// after its build directory is gone (and, later, on another host).
type Artifacts interface {
	// Save keeps the artifact built in dir under id, for deployment.
	Save(ctx context.Context, deployment, id uuid.UUID, dir string) error
	// Resolve returns the folder a server of artifact id runs in, or an
	// error wrapping ErrArtifactNotFound when it is not kept (pruned).
	Resolve(ctx context.Context, id uuid.UUID) (string, error)
}

// ErrArtifactNotFound is the error of an artifact that is not kept.
var ErrArtifactNotFound = errors.New("artifact not found")

// Workers records when build workers were last seen, by one clock (the
// database's) for all replicas.
type Workers interface {
	Seen(ctx context.Context, worker string) error
	// NotSeenFor lists the workers not seen for lease.
	NotSeenFor(ctx context.Context, lease time.Duration) ([]string, error)
	// Forget drops a silent worker whose builds were all ended.
	Forget(ctx context.Context, worker string) error
}

// InviteMail is what an invitation email says.
type InviteMail struct {
	To        string
	TeamName  string
	Role      domain.Role
	InvitedBy string
	AcceptURL string // carries the one-time token, the only secret it may carry
	ExpiresAt time.Time
}

// Sources finds projects and validates their source configuration.
type Sources interface {
	Scan(ctx context.Context) ([]project.Source, error)
	Validate(ctx context.Context, sourceType string, config json.RawMessage) (json.RawMessage, error)
}

// Cipher seals env var values (bound to the project and the name) and
// opens them again.
type Cipher interface {
	Seal(ctx context.Context, project uuid.UUID, name string, value []byte) (nonce, ciphertext []byte, err error)
	Open(ctx context.Context, project uuid.UUID, name string, nonce, ciphertext []byte) ([]byte, error)
}

// Identity is who an identity provider says a bearer JWT belongs to. An
// identity is bound to a user by (Issuer, Subject); Email, as the provider
// gives it, only links a first sign-in, and only when EmailVerified.
type Identity struct {
	Provider string // "supabase", "oidc": for messages and logs
	// Issuer names the provider's namespace of subjects: the issuer the
	// token was checked against, never one the token alone asserts.
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
}

// IdentityProvider verifies a bearer JWT; any failure is an error.
type IdentityProvider interface {
	Verify(ctx context.Context, token string) (Identity, error)
}

// TokenUsage records that a token was used (best effort, throttled).
type TokenUsage interface {
	Used(ctx context.Context, tokenID uuid.UUID, at time.Time)
}

// Mailer sends emails.
type Mailer interface {
	SendInvite(ctx context.Context, m InviteMail) error
}

// RawEvent is a recorded event as the raw feed shows it.
type RawEvent struct {
	Position      int64           `json:"position"`
	TransactionID uint64          `json:"transactionId,string"`
	StreamID      string          `json:"streamId"`
	StreamVersion int64           `json:"streamVersion"`
	ID            uuid.UUID       `json:"id"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schemaVersion"`
	Payload       json.RawMessage `json:"payload"`
	Metadata      Meta            `json:"metadata"`
	RecordedAt    time.Time       `json:"recordedAt"`
}

// EventFilter selects raw events.
type EventFilter struct {
	After    int64
	StreamID string
	Types    []string
	Limit    int
}

// EventLog lists raw events in global position order.
type EventLog interface {
	List(ctx context.Context, f EventFilter) ([]RawEvent, error)
}

// Consistency gives read-your-writes: WaitFor returns once the read models
// reflect everything up to pos (or gives up, logging, after a timeout).
type Consistency interface {
	WaitFor(ctx context.Context, pos Position) error
	// WaitForHead waits until the read models show every visible event.
	WaitForHead(ctx context.Context) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

// IDs makes new identifiers (UUIDv7).
type IDs interface{ New() uuid.UUID }

// Secrets makes token material: a short public prefix and a secret.
type Secrets interface {
	Token() (prefix, secret string, err error)
}
