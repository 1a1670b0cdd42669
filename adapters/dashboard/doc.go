// Package dashboard is MastraAdmin's browser interface, served by `serve`
// at MASTRA_ADMIN_ADDR next to the REST API, from templates and assets
// embedded in the binary (nothing is fetched from elsewhere at run time).
//
// Pages are rendered on the server with html/template from the same
// command service the API uses, so a page shows what the caller's role
// lets them read and offers only the actions the role allows. Actions are
// HTML forms posted back to the dashboard (with the session's CSRF token)
// that redirect to a page with a flash message. The live parts (the build
// log viewer, the trace waterfall, span input/output on demand) are small
// ES modules under assets/ that talk to the REST API with the session
// cookie and the CSRF header.
//
// People sign in with a pasted API token, or through the configured
// identity providers (signin.go, sso.go): OIDC's authorization code flow
// with PKCE, state and nonce (oidc.go), and Supabase's hosted sign-in
// (supabase.go). Either way the provider's token becomes the session's
// credential, authenticated again on every request.
//
// Each part of a page that loads data is a section: a section that fails
// shows its own message and the rest of the page renders.
package dashboard
