package httpapi

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/mastra-admin/mastra-admin/adapters/auditchain"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/audit"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// operation documents one route. The router is built from the same list's
// paths (see routes) and a test fails when the two differ.
type operation struct {
	method, path, summary string
	public                bool
	request               any // a value of the body's type, or nil
	response              any // a value of the 2xx body's type, or nil
	status                int // the 2xx status
}

// list wraps a slice in the envelope the API returns for lists.
type list map[string]any

var operations = []operation{
	{method: "GET", path: "/healthz", summary: "Liveness", public: true, response: map[string]string{}, status: 200},
	{method: "GET", path: "/readyz", summary: "Readiness: database, schema, consumers (503 when not ready)", public: true, response: map[string]any{}, status: 200},
	{method: "GET", path: "/metrics", summary: "Prometheus metrics (text format)", public: true, status: 200},
	{method: "GET", path: "/api/openapi.json", summary: "This document", public: true, response: map[string]any{}, status: 200},
	{method: "GET", path: "/api/me", summary: "The caller, their teams and roles", response: commands.MeView{}, status: 200},
	{method: "POST", path: "/api/teams", summary: "Create a team; the caller becomes owner", request: commands.CreateTeamInput{}, response: team.View{}, status: 201},
	{method: "GET", path: "/api/teams", summary: "Teams the caller belongs to (all, for platform admins)", response: list{"teams": []team.View{}}, status: 200},
	{method: "GET", path: "/api/teams/{teamId}", summary: "One team", response: team.View{}, status: 200},
	{method: "PATCH", path: "/api/teams/{teamId}", summary: "Rename a team or change its slug", request: commands.UpdateTeamInput{}, response: team.View{}, status: 200},
	{method: "DELETE", path: "/api/teams/{teamId}", summary: "Delete a team (owners)", status: 204},
	{method: "GET", path: "/api/teams/{teamId}/members", summary: "Members with roles", response: list{"members": []team.MemberView{}}, status: 200},
	{method: "PATCH", path: "/api/teams/{teamId}/members/{userId}", summary: "Change a member's role", request: roleInput{}, response: team.MemberView{}, status: 200},
	{method: "DELETE", path: "/api/teams/{teamId}/members/{userId}", summary: "Remove a member, or leave", status: 204},
	{method: "POST", path: "/api/teams/{teamId}/invites", summary: "Invite an email with a role; the link is emailed", request: commands.InviteInput{}, response: team.InviteView{}, status: 201},
	{method: "GET", path: "/api/teams/{teamId}/invites", summary: "A team's invites", response: list{"invites": []team.InviteView{}}, status: 200},
	{method: "DELETE", path: "/api/teams/{teamId}/invites/{inviteId}", summary: "Revoke a pending invite", status: 204},
	{method: "POST", path: "/api/invites/{inviteToken}/accept", summary: "Join the team of an invite", response: team.View{}, status: 200},
	{method: "GET", path: "/api/teams/{teamId}/sources", summary: "Mastra projects the source provider finds", response: list{"sources": []project.Source{}}, status: 200},
	{method: "POST", path: "/api/teams/{teamId}/projects", summary: "Create a project from a source", request: commands.ProjectInput{}, response: project.View{}, status: 201},
	{method: "GET", path: "/api/teams/{teamId}/projects", summary: "A team's projects", response: list{"projects": []project.View{}}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}", summary: "One project", response: project.View{}, status: 200},
	{method: "PATCH", path: "/api/projects/{projectId}", summary: "Rename a project or change its default branch", request: commands.UpdateProjectInput{}, response: project.View{}, status: 200},
	{method: "DELETE", path: "/api/projects/{projectId}", summary: "Delete a project (admins and owners)", status: 204},
	{method: "PUT", path: "/api/projects/{projectId}/env-policy", summary: "Replace the guarded env var names (NODE_OPTIONS, NODE_PATH, NODE_EXTRA_CA_CERTS, NODE_TLS_REJECT_UNAUTHORIZED, NODE_ICU_DATA, PATH, GCONV_PATH, GLIBC_TUNABLES, LD_*, DYLD_*) this project's env vars and deployment overrides may use (platform admins); [] allows none", request: commands.EnvPolicyInput{}, response: project.View{}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/env", summary: "Env vars; secret values are never shown. Each var's version, and staleDeployments: the running servers that received an older version (restart needed)", response: list{"env": []project.EnvView{}}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/env/{key}/exposure", summary: "Every version of the env var (the project's and each deployment's override; never values) with every server that received it: deployment, build, start, stop request and stop", response: project.EnvExposure{}, status: 200},
	{method: "PUT", path: "/api/projects/{projectId}/env/{key}", summary: "Set an env var (stored encrypted)", request: commands.EnvInput{}, response: project.EnvView{}, status: 200},
	{method: "DELETE", path: "/api/projects/{projectId}/env/{key}", summary: "Remove an env var", status: 204},
	{method: "POST", path: "/api/projects/{projectId}/deployments", summary: "Create a deployment: production (one per project), staging or preview", request: commands.DeploymentInput{}, response: deployment.View{}, status: 201},
	{method: "GET", path: "/api/projects/{projectId}/deployments", summary: "A project's deployments", response: list{"deployments": []deployment.View{}}, status: 200},
	{method: "GET", path: "/api/deployments/{deploymentId}", summary: "One deployment with status, currentBuildId and publicUrl", response: deployment.View{}, status: 200},
	{method: "DELETE", path: "/api/deployments/{deploymentId}", summary: "Delete a deployment", status: 204},
	{method: "GET", path: "/api/deployments/{deploymentId}/env", summary: "Effective env: the project's vars with this deployment's overrides; secret values are never shown", response: list{"env": []deployment.EnvView{}}, status: 200},
	{method: "PUT", path: "/api/deployments/{deploymentId}/env/{key}", summary: "Override an env var for this deployment (stored encrypted)", request: commands.EnvInput{}, response: deployment.EnvView{}, status: 200},
	{method: "DELETE", path: "/api/deployments/{deploymentId}/env/{key}", summary: "Remove an override; the project's value applies again", status: 204},
	{method: "POST", path: "/api/deployments/{deploymentId}/deploy", summary: "Queue a build of this deployment (202); builds run oldest first, at most the license's concurrentBuilds at once", response: build.View{}, status: 202},
	{method: "POST", path: "/api/deployments/{deploymentId}/rollback", summary: "Queue a rollback build (202, trigger rollback) that runs an earlier succeeded build of this deployment again: its artifact and the env versions it ran with, no install and no build, swapped in without downtime; 409 when that build did not succeed, is another deployment's or its artifact was pruned", request: commands.RollbackInput{}, response: build.View{}, status: 202},
	{method: "GET", path: "/api/deployments/{deploymentId}/builds", summary: "A deployment's builds, newest first (the last 100)", response: list{"builds": []build.View{}}, status: 200},
	{method: "POST", path: "/api/deployments/{deploymentId}/stop", summary: "Stop a deployment: its route answers 503 at once, its server stops after the drain period", response: deployment.View{}, status: 200},
	{method: "POST", path: "/api/deployments/{deploymentId}/start", summary: "Run a stopped deployment's current build again, without a rebuild", response: deployment.View{}, status: 200},
	{method: "POST", path: "/api/deployments/{deploymentId}/restart", summary: "Replace the running server with a new one of the same build and the env as it is now, without downtime", response: deployment.View{}, status: 200},
	{method: "GET", path: "/api/deployments/{deploymentId}/server", summary: "The deployment's newest server: status, pid, port, health, build, start; the end of its stderr when it failed", response: server.View{}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/routes", summary: "The project's routes with publicUrl, status (active or stopped) and health (false while routers see the target fail its checks: 502)", response: list{"routes": []deployment.RouteView{}}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/traces", summary: "The project's traces, newest first: ?deploymentId, status (ok, error: a span failed, running), from, to (RFC 3339, on span starts), name (part of the first span's name, any case), limit (1-500, default 50), cursor (the nextCursor of the page before); 503 while ClickHouse is not configured or does not answer", response: commands.TracePage{}, status: 200},
	{method: "GET", path: "/api/traces/{traceId}", summary: "One trace as a span tree with timings and attributes, from the projects the caller sees; inputs and outputs only with ?include=io (else their sizes)", response: commands.TraceView{}, status: 200},
	{method: "GET", path: "/api/traces/{traceId}/spans/{spanId}", summary: "One span of a trace with its input and output", response: commands.SpanView{}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/logs", summary: "The project's log lines, newest first: ?q (part of the message, any case), level, from, to, deploymentId, traceId, limit, cursor", response: commands.LogPage{}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/metrics", summary: "Runs (root spans), errors, latency p50/p95/p99 and tokens in/out per time bucket and deployment (?from, to: default the last 24 h; bucket 1m, 5m, 1h or 1d, default from the range; deploymentId), with the markers of deploys, rollbacks, restarts, stops and env changes (when, by whom, which build)", response: commands.Metrics{}, status: 200},
	{method: "GET", path: "/api/projects/{projectId}/metrics/compare", summary: "The same metrics for two deployments or two builds side by side: ?a and b are each a deployment's or a build's ID, from and to optional; delta is b minus a", response: commands.Comparison{}, status: 200},
	{method: "GET", path: "/api/builds/{buildId}", summary: "One build with status: queued, building, deploying, succeeded, failed or cancelled", response: build.View{}, status: 200},
	{method: "POST", path: "/api/builds/{buildId}/cancel", summary: "Cancel a build that has not ended; a running one is stopped", response: build.View{}, status: 200},
	{method: "GET", path: "/api/builds/{buildId}/logs", summary: "The build's whole log so far (text/plain); with ?from=N&limit=M (default 1000, at most 10000) lines N to N+M-1, or with ?tail=M its last M lines, the number of the first in the X-Log-From header (lines are numbered from 0, as the stream numbers them)", status: 200},
	{method: "GET", path: "/api/builds/{buildId}/logs/stream", summary: "WebSocket: one text message per log line from line ?from=N (0 first), live until the build ends, then a normal close; a browser Origin must be a dashboard origin (else 403). With the subprotocol mastra-admin.build-log.v1, JSON frames instead: {type:lines, from, lines}, {type:pong} for each {type:ping} the client sends, and {type:end, status, next} before the close", status: 101},
	{method: "GET", path: "/api/audit", summary: "Audit entries (team-scoped for team admins): teamId, after, since, limit", response: list{"entries": []audit.Entry{}, "next": 0}, status: 200},
	{method: "GET", path: "/api/audit/export", summary: "Hash-chained audit export: JSONL, or CSV with format=csv", response: auditchain.Entry{}, status: 200},
	{method: "GET", path: "/api/events", summary: "Raw event feed (platform admins): after, stream, type, limit", response: list{"events": []commands.RawEvent{}, "next": 0}, status: 200},
	{method: "GET", path: "/api/license", summary: "The license in force: tier, features, limits, expiry, state", response: commands.LicenseView{}, status: 200},
	{method: "POST", path: "/api/subdomain-bases/{base}/transfer", summary: "Give a subdomain base to another team (platform admins); refused while a project uses it or deployments live under it", request: commands.TransferInput{}, status: 204},
	{method: "POST", path: "/api/tokens", summary: "Create a personal API token; the secret is shown once", request: commands.TokenInput{}, response: commands.NewToken{}, status: 201},
	{method: "GET", path: "/api/tokens", summary: "The caller's tokens, without secrets", response: list{"tokens": []user.TokenView{}}, status: 200},
	{method: "DELETE", path: "/api/tokens/{tokenId}", summary: "Revoke a token", status: 204},
}

// openAPI builds the OpenAPI 3.0 document from operations.
func openAPI() map[string]any {
	components := map[string]any{
		"Error": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{
			"type": "object", "properties": map[string]any{"code": map[string]any{"type": "string",
				"enum": []string{"invalid_argument", "unauthenticated", "permission_denied", "license_required",
					"not_found", "conflict", "unavailable", "internal"}}, "message": map[string]any{"type": "string"}}}}},
	}
	paths := map[string]any{}
	for _, op := range operations {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		o := map[string]any{"summary": op.summary, "responses": responses(op, components)}
		if params := pathParams(op.path); len(params) > 0 {
			o["parameters"] = params
		}
		if op.request != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(op.request), components)}}}
		}
		if op.public {
			o["security"] = []any{}
		}
		item[strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "MastraAdmin API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{"schemas": components, "securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

func responses(op operation, components map[string]any) map[string]any {
	ok := map[string]any{"description": http.StatusText(op.status)}
	if op.response != nil {
		var s map[string]any
		if l, isList := op.response.(list); isList {
			props := map[string]any{}
			for k, v := range l {
				props[k] = schemaOf(reflect.TypeOf(v), components)
			}
			s = map[string]any{"type": "object", "properties": props}
		} else {
			s = schemaOf(reflect.TypeOf(op.response), components)
		}
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": s}}
	}
	errRef := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	return map[string]any{strconv.Itoa(op.status): ok, "default": errRef}
}

func pathParams(path string) []any {
	var out []any
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, map[string]any{"name": part[1 : len(part)-1], "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
	}
	return out
}

func (s *Server) openAPIDoc(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.spec)
}
