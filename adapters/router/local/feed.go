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

// Set routes one deployment. A stopped route keeps its target (it answers
// 503 either way); a deployment stopped before it ever served gets none.
func (f Feed) Set(v deployment.RouteView) {
	r := routeOf(v)
	if r.Target == "" {
		old, ok := f.Table.Get(r.Subdomain)
		if !ok {
			return
		}
		r.Target = old.Target
	}
	if err := f.Table.Set(r); err != nil {
		f.Log.WithError(err).Warn("route not set")
	}
}

// Remove drops a deployment's route.
func (f Feed) Remove(subdomain string) { f.Table.Remove(subdomain) }

// routeOf is the table's route for a route view. A switched route is
// healthy: its server answered its health check before the switch.
func routeOf(v deployment.RouteView) Route {
	state := StateActive
	if v.Status != string(StateActive) {
		state = StateStopped
	}
	return Route{Subdomain: v.Subdomain, DeploymentID: v.DeploymentID, Target: v.Target, State: state, Healthy: true}
}
