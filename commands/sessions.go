package commands

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// SessionsConfig wires a Sessions service.
type SessionsConfig struct {
	Admin  *Admin       // authenticates the credential on sign-in and on every use
	Store  SessionStore // where sessions live (shared by every replica)
	Cipher Cipher       // seals the credential with the master key
	Clock  Clock        // default SystemClock
	// TTL is how long a session lasts at most (default 12 h); a session
	// signed in with a JWT ends when the JWT does.
	TTL time.Duration
}

func (c *SessionsConfig) setDefaults() {
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.TTL == 0 {
		c.TTL = 12 * time.Hour
	}
}

// Validate reports what is missing.
func (c SessionsConfig) Validate() error {
	var errs []error
	if c.Admin == nil {
		errs = append(errs, errors.New("sessions: admin is nil"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("sessions: store is nil"))
	}
	if c.Cipher == nil {
		errs = append(errs, errors.New("sessions: cipher is nil"))
	}
	if c.TTL < 0 {
		errs = append(errs, errors.New("sessions: TTL must not be negative"))
	}
	return errors.Join(errs...)
}

// Sessions signs browser users in and out of the dashboard. A session is
// a random id (the browser's HttpOnly cookie) standing for the credential
// the user signed in with; every use authenticates that credential again,
// so revoking a token, or a JWT expiring, ends the session.
type Sessions struct{ cfg SessionsConfig }

// NewSessions returns a Sessions service.
func NewSessions(cfg SessionsConfig) (*Sessions, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Sessions{cfg: cfg}, nil
}

// Session is a signed-in browser session.
type Session struct {
	ID        string // the cookie value; only the browser keeps it
	CSRFToken string // sent back with every state-changing request
	ExpiresAt time.Time
	Principal Principal
}

// sessionKeySpace names the data key sessions are sealed with (the
// Cipher's keys are per project; sessions belong to none).
var sessionKeySpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("mastra-admin:dashboard-sessions"))

// errNoSession is what every unusable session id answers, whatever the cause.
var errNoSession = domain.Errorf(domain.KindUnauthenticated, "the session has ended: sign in again")

// SignIn authenticates credential (an API token or an identity
// provider's JWT) and starts a session for it.
func (s *Sessions) SignIn(ctx context.Context, credential string) (Session, error) {
	p, err := s.cfg.Admin.Authenticate(ctx, credential)
	if err != nil {
		return Session{}, err
	}
	id, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	now := s.cfg.Clock.Now()
	expires := now.Add(s.cfg.TTL)
	hash := hashSessionID(id)
	nonce, sealed, err := s.cfg.Cipher.Seal(ctx, sessionKeySpace, sessionAD(hash), []byte(credential))
	if err != nil {
		return Session{}, fmt.Errorf("seal session credential: %w", err)
	}
	rec := SessionRecord{IDHash: hash, UserID: p.UserID, Nonce: nonce, Credential: sealed, CSRFToken: csrf, CreatedAt: now, ExpiresAt: expires}
	if err := s.cfg.Store.CreateSession(ctx, rec); err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return Session{ID: id, CSRFToken: csrf, ExpiresAt: expires, Principal: p}, nil
}

// Resolve returns the live session with this id, its credential
// authenticated again; an unknown, expired or revoked one is
// unauthenticated.
func (s *Sessions) Resolve(ctx context.Context, id string) (Session, error) {
	if id == "" || len(id) > 128 {
		return Session{}, errNoSession
	}
	hash := hashSessionID(id)
	rec, found, err := s.cfg.Store.Session(ctx, hash)
	if err != nil {
		return Session{}, fmt.Errorf("load session: %w", err)
	}
	if !found || !s.cfg.Clock.Now().Before(rec.ExpiresAt) {
		return Session{}, errNoSession
	}
	cred, err := s.cfg.Cipher.Open(ctx, sessionKeySpace, sessionAD(hash), rec.Nonce, rec.Credential)
	if err != nil {
		return Session{}, fmt.Errorf("open session credential: %w", err)
	}
	p, err := s.cfg.Admin.Authenticate(ctx, string(cred))
	if err != nil {
		if domain.KindOf(err) == domain.KindUnauthenticated {
			return Session{}, errNoSession
		}
		return Session{}, err
	}
	return Session{ID: id, CSRFToken: rec.CSRFToken, ExpiresAt: rec.ExpiresAt, Principal: p}, nil
}

// SignOut ends the session with this id (an unknown one is already ended).
func (s *Sessions) SignOut(ctx context.Context, id string) error {
	if id == "" || len(id) > 128 {
		return nil
	}
	if err := s.cfg.Store.DeleteSession(ctx, hashSessionID(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Prune removes expired sessions.
func (s *Sessions) Prune(ctx context.Context) (int64, error) {
	n, err := s.cfg.Store.DeleteExpiredSessions(ctx, s.cfg.Clock.Now())
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}

// CSRFMatches reports whether got is the session's CSRF token (in
// constant time).
func (s Session) CSRFMatches(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRFToken)) == 1
}

func hashSessionID(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

func sessionAD(hash []byte) string { return "session:" + base64.RawURLEncoding.EncodeToString(hash) }

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
