package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

type ctxKey int

const (
	recorderKey ctxKey = iota
	principalKey
)

// recorder captures what the access log and metrics need.
type recorder struct {
	http.ResponseWriter
	status    int
	requestID string
	code      string
	err       error
	actor     string
	wrote     func() commands.Position // position of the request's last command
}

// ConsistencyHeader carries a consistency token: command responses set it
// to the position of what they recorded; a request that sends it back sees
// at least that much in every read, on any replica.
const ConsistencyHeader = "X-Consistency-Token"

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
		if r.wrote != nil {
			if pos := r.wrote(); pos != (commands.Position{}) {
				r.Header().Set(ConsistencyHeader, pos.String())
			}
		}
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (for flushing and hijacking WebSockets).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack hands the connection over to a WebSocket (gorilla/websocket
// asserts http.Hijacker); the exchange is logged as 101.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

func recorderFrom(ctx context.Context) *recorder {
	rec, _ := ctx.Value(recorderKey).(*recorder)
	return rec
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// saneID returns an incoming id header if it looks like an id, else "".
func saneID(v string) string {
	if requestIDPattern.MatchString(v) {
		return v
	}
	return ""
}

// accessLog gives each request an id (a sane incoming X-Request-ID is
// kept; a sane X-Correlation-ID and X-Causation-ID go into the metadata of
// the events the request records, the correlation defaulting to the
// request id), recovers panics into a plain 500, logs one line per request and
// counts it in the metrics.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !requestIDPattern.MatchString(id) {
			id = uuid.Must(uuid.NewV7()).String()
		}
		w.Header().Set("X-Request-ID", id)
		rec := &recorder{ResponseWriter: w, requestID: id}
		ctx := context.WithValue(r.Context(), recorderKey, rec)
		ctx = commands.WithRequest(ctx, commands.RequestInfo{RequestID: id,
			CorrelationID: saneID(r.Header.Get("X-Correlation-ID")), CausationID: saneID(r.Header.Get("X-Causation-ID"))})
		var after commands.Position
		var tokenErr error
		if tok := r.Header.Get(ConsistencyHeader); tok != "" {
			after, tokenErr = commands.ParseConsistencyToken(tok)
		}
		ctx, rec.wrote = commands.WithConsistency(ctx, after)
		r = r.WithContext(ctx)

		defer func() {
			if p := recover(); p != nil {
				rec.err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
				}
			}
			s.finish(r, rec, time.Since(start))
		}()
		if tokenErr != nil {
			writeError(rec, r, tokenErr)
			return
		}
		next.ServeHTTP(rec, r)
	})
}

func (s *Server) finish(r *http.Request, rec *recorder, took time.Duration) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	route := routeOf(r)
	s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Inc()
	s.metrics.latency.WithLabelValues(r.Method, route).Observe(took.Seconds())
	quiet := route == "/metrics" || route == "/healthz" || route == "/readyz"
	if rec.status < 500 && (quiet || !s.log.Logger.IsLevelEnabled(logrus.InfoLevel)) {
		return
	}
	entry := s.log.WithFields(logrus.Fields{
		"request_id": rec.requestID, "method": r.Method, "route": route, "status": rec.status,
		"duration_ms": float64(took.Microseconds()) / 1000,
	})
	if rec.actor != "" {
		entry = entry.WithField("actor", rec.actor)
	}
	if rec.code != "" {
		entry = entry.WithField("code", rec.code)
	}
	switch {
	case rec.status >= 500:
		entry.WithError(rec.err).Error("request failed")
	default:
		entry.Info("request")
	}
}

func routeOf(r *http.Request) string {
	if cur := mux.CurrentRoute(r); cur != nil {
		if t, err := cur.GetPathTemplate(); err == nil {
			return t
		}
	}
	return "unmatched"
}

// limitBody caps request bodies.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token; without one the API answers
// unauthenticated.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		var p commands.Principal
		if token, ok := cutBearer(h); ok {
			var err error
			if p, err = s.cfg.Admin.Authenticate(r.Context(), token); err != nil {
				writeError(w, r, err)
				return
			}
		} else if id := websession.ID(r); id != "" && h == "" && s.cfg.Sessions != nil {
			sess, err := s.cfg.Sessions.Resolve(r.Context(), id)
			if err != nil {
				writeError(w, r, err)
				return
			}
			if !websession.Safe(r.Method) && !sess.CSRFMatches(r.Header.Get(websession.CSRFHeader)) {
				fail(w, r, domain.KindPermissionDenied, "missing or wrong CSRF token: a request signed in by the dashboard's session cookie must send its token in "+websession.CSRFHeader)
				return
			}
			p = sess.Principal
		} else {
			fail(w, r, domain.KindUnauthenticated, "missing bearer token: send Authorization: Bearer <token>")
			return
		}
		if rec := recorderFrom(r.Context()); rec != nil {
			rec.actor = "user:" + p.UserID.String()
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey, p)))
	})
}

func cutBearer(h string) (string, bool) {
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(h[len(prefix):]), true
}

func principal(r *http.Request) commands.Principal {
	p, _ := r.Context().Value(principalKey).(commands.Principal)
	return p
}
