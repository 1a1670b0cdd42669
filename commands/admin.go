package commands

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// Config wires an Admin to its ports.
type Config struct {
	Store      EventStore
	Reads      ReadModel
	Events     EventLog           // nil: the raw event feed is unavailable
	Mailer     Mailer             // nil: invites are recorded but not emailed
	Usage      TokenUsage         // nil: last-used times are not recorded
	Sources    Sources            // nil: no project sources
	Identities []IdentityProvider // JWT providers tried for bearers that are not API tokens
	License    license.License    // zero: the community license
	Cipher     Cipher             // nil: env vars are unavailable
	// Files keeps each build's whole log once its pipeline ended
	// (builds/<buildId>/build.log); nil: logs of ended builds are only
	// what LogCache still holds.
	Files FileStorage
	// LogCache carries the lines of running builds' logs to followers
	// (in this process, or across replicas); nil: build logs are
	// unavailable.
	LogCache   BuildLogCache
	Workers    Workers      // nil: builds of silent workers are not failed
	Serving    ServingReads // nil: servers and routes are unavailable
	ServerLogs ServerLogs   // nil: a failed server's output is not shown
	// Artifacts is where the artifacts servers run are kept; a rollback
	// checks through it that the artifact it re-uses is still there (nil:
	// this process takes no rollbacks).
	Artifacts Artifacts
	// Exposure answers which servers received which env var versions (nil:
	// the env list shows no restart needed and the exposure route is
	// unavailable).
	Exposure ExposureReads
	// Overview reads many projects' deployments with their health at once
	// (nil: the team and platform overviews are unavailable).
	Overview OverviewReads
	// PublicURL is the base of links in emails (invite acceptance).
	PublicURL string
	// ProxyURL is the edge router's base URL (default
	// http://localhost:3100): a deployment's publicUrl is its subdomain
	// under that host.
	ProxyURL    string
	Consistency Consistency // nil: queries do not wait for the caller's writes
	Clock       Clock
	IDs         IDs
	Secrets     Secrets
	// Retries bounds how often a command is re-run after a concurrent change.
	Retries int
	// CredentialTTL is how long a token found in the read model, or the
	// user a JWT names, is trusted without looking again (0: 5 s; negative:
	// look every time). A token revoked, or a right changed, on another
	// replica applies here within this long.
	CredentialTTL time.Duration
}

func (c *Config) setDefaults() {
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.IDs == nil {
		c.IDs = UUIDv7{}
	}
	if c.Secrets == nil {
		c.Secrets = RandomSecrets{}
	}
	if c.Retries == 0 {
		c.Retries = 5
	}
	if c.License.Tier == "" {
		c.License = license.CommunityLicense()
	}
	if c.ProxyURL == "" {
		c.ProxyURL = "http://localhost:3100"
	}
	if c.CredentialTTL == 0 {
		c.CredentialTTL = 5 * time.Second
	}
}

// Validate reports missing ports.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("commands: event store is nil"))
	}
	if c.Reads == nil {
		errs = append(errs, errors.New("commands: read model is nil"))
	}
	return errors.Join(errs...)
}

// Admin is the application service: every command and query of MastraAdmin.
type Admin struct {
	cfg    Config
	writes lastWrites[uuid.UUID]      // by user
	tokens lastWrites[string]         // by token prefix
	creds  credCache[user.Credential] // by token prefix
	jwts   credCache[Principal]       // by identityKey (issuer, subject), for JWT callers
	teams  stateCache[team.Team]      // by stream; see authorizeTeamGuarded
	logs   logHub                     // builds followed from this process
	obs    atomic.Pointer[obsHolder]  // set once the observability store is open
}

// New returns an Admin.
func New(cfg Config) (*Admin, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Admin{cfg: cfg, creds: credCache[user.Credential]{ttl: cfg.CredentialTTL},
		jwts: credCache[Principal]{ttl: cfg.CredentialTTL}, teams: newStateCache[team.Team](4096),
		logs: logHub{follows: map[uuid.UUID]*logFollow{}}}, nil
}

// Principal is an authenticated caller.
type Principal struct {
	UserID        uuid.UUID
	Email         string
	PlatformAdmin bool
	TokenID       uuid.UUID // uuid.Nil for callers that are not tokens (the CLI)
}

// System is the principal of the local CLI acting as the platform operator.
var System = Principal{PlatformAdmin: true, Email: "system"}

func (p Principal) actor() string {
	if p.UserID == uuid.Nil {
		return "system"
	}
	return "user:" + p.UserID.String()
}

type requestKey struct{}

// RequestInfo identifies the request a command runs for.
type RequestInfo struct {
	RequestID     string
	CorrelationID string
	CausationID   string
}

// WithRequest attaches request identifiers to ctx; they are recorded in
// the metadata of every event the command appends.
func WithRequest(ctx context.Context, r RequestInfo) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

func metaFor(ctx context.Context, p Principal) Meta {
	r, _ := ctx.Value(requestKey{}).(RequestInfo)
	m := Meta{Actor: p.actor(), RequestID: r.RequestID, CorrelationID: r.CorrelationID, CausationID: r.CausationID}
	if m.CorrelationID == "" {
		m.CorrelationID = r.RequestID
	}
	return m
}

// write is what one run of a command records: claims and appends.
type write struct {
	claims  []Claim
	guards  []Guard
	limit   *Limit
	appends []Append
}

// decision is one run of a command: what to record, or an error.
type decision func() (write, error)

// execute runs decide, appends what it returns, retries the whole cycle on
// a concurrent change, and records the position for read-your-writes.
func (a *Admin) execute(ctx context.Context, p Principal, decide decision) (Position, error) {
	for attempt := 0; ; attempt++ {
		w, err := decide()
		if err != nil {
			return Position{}, err
		}
		if len(w.appends) == 0 {
			return Position{}, nil
		}
		pos, err := a.cfg.Store.Append(ctx, metaFor(ctx, p), Conditions{Claims: w.claims, Guards: w.guards, Limit: w.limit}, w.appends...)
		for _, ap := range w.appends {
			a.teams.drop(ap.StreamID) // changed, or found changed
		}
		if errors.Is(err, ErrConcurrency) {
			for _, g := range w.guards {
				a.teams.drop(g.StreamID)
			}
			if attempt < a.cfg.Retries {
				continue
			}
			return Position{}, domain.Errorf(domain.KindConflict, "the resource changed concurrently; retry")
		}
		if err != nil {
			return Position{}, err
		}
		a.wrote(ctx, p, pos)
		return pos, nil
	}
}

// events wraps domain events with new IDs.
func (a *Admin) events(es ...domain.Event) []NewEvent {
	out := make([]NewEvent, len(es))
	for i, e := range es {
		out[i] = NewEvent{ID: a.cfg.IDs.New(), Event: e}
	}
	return out
}

// load folds a stream with evolve.
func load[S any](ctx context.Context, store EventStore, streamID string, evolve func(S, domain.Event) (S, error)) (S, int64, error) {
	var s S
	events, version, err := store.Load(ctx, streamID)
	if err != nil {
		return s, 0, fmt.Errorf("load %s: %w", streamID, err)
	}
	for _, e := range events {
		if s, err = evolve(s, e); err != nil {
			return s, 0, fmt.Errorf("fold %s: %w", streamID, err)
		}
	}
	return s, version, nil
}
