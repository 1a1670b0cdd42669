package app

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/projections"
)

// RouteTable is the edge router's table, held whole by every process that
// routes.
type RouteTable interface {
	Replace(routes []deployment.RouteView)
	Set(r deployment.RouteView)
	Remove(subdomain string)
	// SetHealthy marks the route of subdomain healthy or not while it
	// still sends to target.
	SetHealthy(subdomain, target string, healthy bool)
}

// FollowRoutes loads the routes read model into table and adds to the
// router a subscription of this process alone (eventstore.Follower) that
// applies every later route event to it, from exactly where the load
// stood. It is not a competing consumer: every router process holds the
// whole table.
func (a *App) FollowRoutes(ctx context.Context, table RouteTable) error {
	var routes []deployment.RouteView
	pos, err := a.Store.LoadAt(ctx, projections.Routes{}.Name(), func(q eventstore.DBTX) error {
		var err error
		routes, err = projections.LoadRoutes(ctx, q)
		return err
	})
	if err != nil {
		return fmt.Errorf("load routes: %w", err)
	}
	table.Replace(routes)
	f, err := eventstore.NewFollower(eventstore.FollowerConfig{Store: a.Store, Notifier: a.Notifier, Logger: a.log, From: pos})
	if err != nil {
		return err
	}
	a.Router.AddConsumerHandler("edge-router-table", "edge-router", f, routeHandler(table))
	return nil
}

// routeHandler applies route events to table.
func routeHandler(table RouteTable) message.NoPublishHandlerFunc {
	registry := pgstore.Registry()
	return func(msg *message.Message) error {
		e, ok := eventstore.EventFromContext(msg.Context())
		if !ok {
			return fmt.Errorf("edge router: message %s was not delivered by the event store", msg.UUID)
		}
		switch e.Type {
		case deployment.TypeRouteSwitched, deployment.TypeStopped, deployment.TypeDeleted, deployment.TypeRouteHealthChanged,
			deployment.TypeCrashLooped:
		default:
			return nil
		}
		ev, err := registry.Decode(e.Type, e.Payload)
		if err != nil {
			return fmt.Errorf("edge router: %w", err)
		}
		switch v := ev.(type) {
		case deployment.RouteSwitched:
			id := v.ServerID
			table.Set(deployment.RouteView{DeploymentID: v.DeploymentID, Subdomain: v.Subdomain, Status: projections.RouteActive,
				ServerID: &id, Target: v.Target, Healthy: true, UpdatedAt: v.At})
		case deployment.Stopped:
			table.Set(deployment.RouteView{DeploymentID: v.DeploymentID, Subdomain: v.Subdomain, Status: projections.RouteStopped,
				Healthy: true, UpdatedAt: v.At})
		case deployment.CrashLooped:
			table.Set(deployment.RouteView{DeploymentID: v.DeploymentID, Subdomain: v.Subdomain, Status: projections.RouteFailed,
				Healthy: true, UpdatedAt: v.At})
		case deployment.RouteHealthChanged:
			table.SetHealthy(v.Subdomain, v.Target, v.Healthy)
		case deployment.Deleted:
			table.Remove(v.Subdomain)
		}
		return nil
	}
}
