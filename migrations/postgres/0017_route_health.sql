-- projection "routes": whether a router saw the route's target fail its
-- health checks (deployment.RouteHealthChanged), and why.
ALTER TABLE routes ADD COLUMN healthy BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE routes ADD COLUMN health_reason TEXT NOT NULL DEFAULT '';
