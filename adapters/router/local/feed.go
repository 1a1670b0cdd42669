package local

import (
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

// Feed applies the route read model and route events to a Table: it is
// the table's side of the core's route following (internal/app's
// RouteTable). A route the table refuses is logged and left out; the
// others still route.
type Feed struct {
	Table *Table
	Log   *logrus.Entry
}

// Replace makes routes the whole table.
func (f Feed) Replace(routes []deployment.RouteView) {
	out := make([]Route, 0, len(routes))
	for _, v := range routes {
		r := routeOf(v)
		if err := r.Validate(); err != nil {
			f.Log.WithError(err).Warn("route left out of the routing table")
			continue
		}
		out = append(out, r)
	}
	if err := f.Table.Replace(out); err != nil {
		f.Log.WithError(err).Error("routing table not loaded")
	}
}

// Set routes one deployment.
func (f Feed) Set(v deployment.RouteView) {
	if err := f.Table.Set(routeOf(v)); err != nil {
		f.Log.WithError(err).Warn("route not set")
	}
}

// SetHealthy marks a route healthy or not while it sends to target.
func (f Feed) SetHealthy(subdomain, target string, healthy bool) {
	f.Table.SetHealthy(subdomain, target, healthy)
}

// Remove drops a deployment's route.
func (f Feed) Remove(subdomain string) { f.Table.Remove(subdomain) }

// routeOf is the table's route for a route view.
func routeOf(v deployment.RouteView) Route {
	state := StateActive
	if v.Status != string(StateActive) {
		state = StateStopped
	}
	return Route{Subdomain: v.Subdomain, DeploymentID: v.DeploymentID, Target: v.Target, State: state, Healthy: v.Healthy}
}
