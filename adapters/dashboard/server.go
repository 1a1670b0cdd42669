package dashboard

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/commands"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// Config configures a Server.
type Config struct {
	Admin    *commands.Admin
	Sessions *commands.Sessions
	Logger   *logrus.Entry
	// Secure marks the session cookie HTTPS-only (set it when the
	// dashboard is reached over TLS, e.g. behind a terminating proxy).
	Secure bool
	// SignIn lists the identity providers offered on the sign-in page
	// besides pasting an API token.
	SignIn SignInConfig
	// Workflows reaches deployed servers for the "Try it" page (nil: the
	// page says deployments cannot be reached from here).
	Workflows Workflows
}

// Validate reports what is missing.
func (c Config) Validate() error {
	var errs []error
	if c.Admin == nil {
		errs = append(errs, errors.New("dashboard: admin is nil"))
	}
	if c.Sessions == nil {
		errs = append(errs, errors.New("dashboard: sessions is nil"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("dashboard: logger is nil"))
	}
	errs = append(errs, c.SignIn.Validate())
	return errors.Join(errs...)
}

// Server serves the dashboard's pages and assets.
type Server struct {
	cfg    Config
	log    *logrus.Entry
	pages  *pages
	router *mux.Router
	assets http.Handler
	oidc   *oidcProvider // nil: no SSO configured
}

// New returns a Server with every page registered.
func New(cfg Config) (*Server, error) {
	cfg.SignIn.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		return nil, fmt.Errorf("dashboard assets: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, pages: p, router: mux.NewRouter(), assets: assetHandler(sub)}
	if cfg.SignIn.OIDC.IssuerURL != "" {
		s.oidc = &oidcProvider{cfg: cfg.SignIn.OIDC, client: cfg.SignIn.HTTPClient}
	}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.router.ServeHTTP(w, r)
}

// FrontDoor routes the REST API's paths (/api/, /healthz, /readyz,
// /metrics) to api and every other path to the dashboard.
func FrontDoor(api, dash http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" || p == "/metrics" {
			api.ServeHTTP(w, r)
			return
		}
		dash.ServeHTTP(w, r)
	})
}
