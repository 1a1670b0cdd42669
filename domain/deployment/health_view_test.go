package deployment_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

func TestHealthSumsUpStatusRouteAndServer(t *testing.T) {
	t.Parallel()
	hv := func(status deployment.Status, route string, healthy bool, srv server.Status) deployment.HealthView {
		return deployment.HealthView{View: deployment.View{Status: status}, RouteState: route, RouteHealthy: healthy, ServerStatus: srv}
	}
	for name, c := range map[string]struct {
		in   deployment.HealthView
		want string
	}{
		"served well":            {hv(deployment.StatusRunning, "active", true, server.StatusHealthy), deployment.HealthHealthy},
		"route fails its checks": {hv(deployment.StatusRunning, "active", false, server.StatusHealthy), deployment.HealthUnhealthy},
		"server exited":          {hv(deployment.StatusRunning, "active", true, server.StatusExited), deployment.HealthUnhealthy},
		"server failed":          {hv(deployment.StatusRunning, "active", true, server.StatusFailed), deployment.HealthUnhealthy},
		"server not yet healthy": {hv(deployment.StatusRunning, "active", true, server.StatusStarted), deployment.HealthStarting},
		"no route yet":           {hv(deployment.StatusRunning, "", true, server.StatusHealthy), deployment.HealthStarting},
		"stopped":                {hv(deployment.StatusStopped, "stopped", true, ""), deployment.HealthStopped},
		"last build failed":      {hv(deployment.StatusFailed, "", true, ""), deployment.HealthUnhealthy},
		"never deployed":         {hv(deployment.StatusPending, "", true, ""), deployment.HealthPending},
		"first build on its way": {hv(deployment.StatusBuilding, "", true, ""), deployment.HealthPending},
	} {
		assert.Equal(t, c.want, c.in.Health(), name)
	}
}
