package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// Readiness reports whether the server can do its work, with detail.
type Readiness interface {
	Ready(ctx context.Context) (bool, any)
}

// Config configures a Server.
type Config struct {
	Admin     *commands.Admin
	Readiness Readiness
	Logger    *logrus.Entry
	// Registry receives the HTTP metrics and is served on /metrics.
	Registry *prometheus.Registry
	// MaxBodyBytes caps request bodies; 0 means 1 MiB.
	MaxBodyBytes int64
	// AuditKey signs audit exports (HMAC); nil leaves them unsigned.
	AuditKey []byte
	// DashboardOrigins are the browser origins (scheme://host[:port]) that
	// may open WebSockets; a request without an Origin header always may.
	// None means browsers may not.
	DashboardOrigins []string
	// Sessions, when set, lets the dashboard's session cookie stand in
	// for a bearer token (with the CSRF header on every request that
	// changes something).
	Sessions *commands.Sessions
}

func (c *Config) setDefaults() {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
}

// Validate reports what is missing.
func (c Config) Validate() error {
	var errs []error
	if c.Admin == nil {
		errs = append(errs, errors.New("httpapi: admin is nil"))
	}
	if c.Readiness == nil {
		errs = append(errs, errors.New("httpapi: readiness is nil"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("httpapi: logger is nil"))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("httpapi: MaxBodyBytes must not be negative"))
	}
	for _, o := range c.DashboardOrigins {
		if _, err := config.ParseOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("httpapi: dashboard %w", err))
		}
	}
	return errors.Join(errs...)
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	log     *logrus.Entry
	metrics *metrics
	router  *mux.Router
	spec    map[string]any
	origins map[string]bool // the dashboard origins, as config.ParseOrigin returns them
}

// New returns a Server with every route registered.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: m, router: mux.NewRouter(), spec: openAPI(), origins: map[string]bool{}}
	for _, o := range cfg.DashboardOrigins {
		o, _ = config.ParseOrigin(o) // Validate checked it
		s.origins[o] = true
	}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Router exposes the route table (for the OpenAPI check and tests).
func (s *Server) Router() *mux.Router { return s.router }

func (s *Server) routes() {
	r := s.router
	r.Use(s.accessLog, s.limitBody)
	notFound := s.accessLog(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail(w, r, domain.KindNotFound, "no route for "+r.Method+" "+r.URL.Path)
	}))
	notAllowed := s.accessLog(http.HandlerFunc(s.methodNotAllowed))
	r.NotFoundHandler, r.MethodNotAllowedHandler = notFound, notAllowed

	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet)
	r.Handle("/metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	r.HandleFunc("/api/openapi.json", s.openAPIDoc).Methods(http.MethodGet)

	// API routes sit on the root router (a mux subrouter answers 404 where
	// 405 is right), each wrapped in authentication and then in the check
	// of the body's content type and encoding.
	api := func(path, method string, h http.HandlerFunc) {
		r.NewRoute().MatcherFunc(sameShape("/api" + path)).Path("/api" + path).Methods(method).Handler(s.authenticate(checkBody(h)))
	}
	api("/me", http.MethodGet, s.getMe)
	api("/teams", http.MethodPost, s.createTeam)
	api("/teams", http.MethodGet, s.listTeams)
	api("/teams/{teamId}", http.MethodGet, s.getTeam)
	api("/teams/{teamId}", http.MethodPatch, s.updateTeam)
	api("/teams/{teamId}", http.MethodDelete, s.deleteTeam)
	api("/teams/{teamId}/members", http.MethodGet, s.listMembers)
	api("/teams/{teamId}/members/{userId}", http.MethodPatch, s.changeMemberRole)
	api("/teams/{teamId}/members/{userId}", http.MethodDelete, s.removeMember)
	api("/teams/{teamId}/invites", http.MethodPost, s.createInvite)
	api("/teams/{teamId}/invites", http.MethodGet, s.listInvites)
	api("/teams/{teamId}/invites/{inviteId}", http.MethodDelete, s.revokeInvite)
	api("/invites/{inviteToken}/accept", http.MethodPost, s.acceptInvite)
	api("/teams/{teamId}/sources", http.MethodGet, s.listSources)
	api("/teams/{teamId}/projects", http.MethodPost, s.createProject)
	api("/teams/{teamId}/projects", http.MethodGet, s.listProjects)
	api("/projects/{projectId}", http.MethodGet, s.getProject)
	api("/projects/{projectId}", http.MethodPatch, s.updateProject)
	api("/projects/{projectId}", http.MethodDelete, s.deleteProject)
	api("/projects/{projectId}/env", http.MethodGet, s.listEnv)
	api("/projects/{projectId}/env-policy", http.MethodPut, s.setEnvPolicy)
	api("/projects/{projectId}/env/{key}", http.MethodPut, putEnv("projectId", s.cfg.Admin.SetEnvVar))
	api("/projects/{projectId}/env/{key}", http.MethodDelete, deleteEnv("projectId", s.cfg.Admin.RemoveEnvVar))
	api("/projects/{projectId}/env/{key}/exposure", http.MethodGet, s.envExposure)
	api("/projects/{projectId}/deployments", http.MethodPost, s.createDeployment)
	api("/projects/{projectId}/deployments", http.MethodGet, s.listDeployments)
	api("/deployments/{deploymentId}", http.MethodGet, s.getDeployment)
	api("/deployments/{deploymentId}", http.MethodDelete, s.deleteDeployment)
	api("/deployments/{deploymentId}/env", http.MethodGet, s.deploymentEnv)
	api("/deployments/{deploymentId}/env/{key}", http.MethodPut, putEnv("deploymentId", s.cfg.Admin.SetDeploymentEnv))
	api("/deployments/{deploymentId}/env/{key}", http.MethodDelete, deleteEnv("deploymentId", s.cfg.Admin.RemoveDeploymentEnv))
	api("/deployments/{deploymentId}/deploy", http.MethodPost, s.deploy)
	api("/deployments/{deploymentId}/rollback", http.MethodPost, s.rollback)
	api("/deployments/{deploymentId}/builds", http.MethodGet, s.listBuilds)
	api("/deployments/{deploymentId}/stop", http.MethodPost, servingCommand(s.cfg.Admin.StopDeployment))
	api("/deployments/{deploymentId}/start", http.MethodPost, servingCommand(s.cfg.Admin.StartDeployment))
	api("/deployments/{deploymentId}/restart", http.MethodPost, servingCommand(s.cfg.Admin.RestartDeployment))
	api("/deployments/{deploymentId}/server", http.MethodGet, s.getServer)
	api("/projects/{projectId}/routes", http.MethodGet, s.listRoutes)
	api("/projects/{projectId}/traces", http.MethodGet, s.listTraces)
	api("/traces/{traceId}", http.MethodGet, s.getTrace)
	api("/traces/{traceId}/spans/{spanId}", http.MethodGet, s.getSpan)
	api("/projects/{projectId}/logs", http.MethodGet, s.searchLogs)
	api("/projects/{projectId}/metrics", http.MethodGet, s.projectMetrics)
	api("/projects/{projectId}/metrics/compare", http.MethodGet, s.compareMetrics)
	api("/builds/{buildId}", http.MethodGet, s.getBuild)
	api("/builds/{buildId}/cancel", http.MethodPost, s.cancelBuild)
	api("/builds/{buildId}/logs", http.MethodGet, s.buildLogs)
	api("/builds/{buildId}/logs/stream", http.MethodGet, s.webSocket(s.streamBuildLogs))
	api("/audit", http.MethodGet, s.listAudit)
	api("/audit/export", http.MethodGet, s.exportAudit)
	api("/events", http.MethodGet, s.listEvents)
	api("/license", http.MethodGet, s.getLicense)
	api("/subdomain-bases/{base}/transfer", http.MethodPost, s.transferSubdomainBase)
	api("/tokens", http.MethodPost, s.createToken)
	api("/tokens", http.MethodGet, s.listTokens)
	api("/tokens/{tokenId}", http.MethodDelete, s.revokeToken)
}

// methodNotAllowed answers 405 method_not_allowed with an Allow header
// listing the methods the path takes.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	seen := map[string]bool{}
	_ = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		methods, err := route.GetMethods()
		if err != nil {
			return nil
		}
		for _, m := range methods {
			try := r.WithContext(r.Context())
			try.Method = m
			if route.Match(try, &mux.RouteMatch{}) {
				seen[m] = true
			}
		}
		return nil
	})
	allow := make([]string, 0, len(seen))
	for m := range seen {
		allow = append(allow, m)
	}
	sort.Strings(allow)
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, r, &httpError{code: codeMethodNotAllowed,
		msg: "method " + r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allow, ", ")})
}
