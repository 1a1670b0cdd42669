package dashboard

import (
	"net/http"
)

func (s *Server) routes() {
	r := s.router
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.PathPrefix("/assets/").Handler(http.StripPrefix("/assets", s.assets)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/sign-in", s.signInPage).Methods(http.MethodGet)
	r.HandleFunc("/sign-in", s.signIn).Methods(http.MethodPost)
	r.HandleFunc("/sign-out", s.signedIn(s.signOut)).Methods(http.MethodPost)
	s.ssoRoutes(r)

	r.HandleFunc("/", s.signedIn(s.home)).Methods(http.MethodGet)
	r.HandleFunc("/teams", s.act(s.createTeam)).Methods(http.MethodPost)
	s.tryRoutes(r)
	s.projectRoutes(r)
	s.obsRoutes(r)
	s.teamRoutes(r)
	s.buildRoutes(r)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", view{Title: "Not found",
		Data: "There is no page at " + r.URL.Path + ". Go back to your teams."})
}
