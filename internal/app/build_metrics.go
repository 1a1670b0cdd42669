package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BuildCollector exports the build queue to Prometheus at every scrape:
// builds waiting and running, and how long the oldest has waited. Alert on
// a wait that keeps growing: the queue is stuck or too small.
type BuildCollector struct {
	app    *App
	builds *prometheus.Desc
	wait   *prometheus.Desc
	up     *prometheus.Desc
}

// NewBuildCollector returns the collector of a's build queue.
func NewBuildCollector(a *App) *BuildCollector {
	return &BuildCollector{
		app: a,
		builds: prometheus.NewDesc("mastra_admin_builds",
			"Builds waiting (queued) and running (building), across replicas.", []string{"status"}, nil),
		wait: prometheus.NewDesc("mastra_admin_build_queue_oldest_seconds",
			"How long the oldest queued build has waited (0 when none waits).", nil, nil),
		up: prometheus.NewDesc("mastra_admin_build_queue_scrape_ok",
			"1 when the build queue could be read from the database.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *BuildCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.builds
	ch <- c.wait
	ch <- c.up
}

// Collect implements prometheus.Collector.
func (c *BuildCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	q, err := c.app.Queries.BuildQueueState(ctx)
	if err != nil {
		c.app.log.WithError(err).Warn("metrics: could not read the build queue")
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.builds, prometheus.GaugeValue, float64(q.Queued), "queued")
	ch <- prometheus.MustNewConstMetric(c.builds, prometheus.GaugeValue, float64(q.Building), "building")
	wait := 0.0
	if !q.OldestQueued.IsZero() {
		wait = max(time.Since(q.OldestQueued).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.wait, prometheus.GaugeValue, wait)
}
