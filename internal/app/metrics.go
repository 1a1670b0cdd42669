package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ConsumerCollector exports the state of each consumer (the read models and
// the process managers this process runs) to Prometheus at every scrape,
// read from the database as /readyz reads it: its checkpoint position,
// its lag in events (counted up to MaxCountedLag) and whether it is
// parked. Alert on mastra_admin_consumer_parked == 1 and
// on a lag that keeps growing.
type ConsumerCollector struct {
	app      *App
	position *prometheus.Desc
	lag      *prometheus.Desc
	parked   *prometheus.Desc
	up       *prometheus.Desc
}

// NewConsumerCollector returns the collector of a's consumers.
func NewConsumerCollector(a *App) *ConsumerCollector {
	return &ConsumerCollector{
		app: a,
		position: prometheus.NewDesc("mastra_admin_consumer_position",
			"Global position of the last event the consumer applied.", []string{"consumer"}, nil),
		lag: prometheus.NewDesc("mastra_admin_consumer_lag_events",
			"Events recorded but not yet applied by the consumer (counted up to 10000).", []string{"consumer"}, nil),
		parked: prometheus.NewDesc("mastra_admin_consumer_parked",
			"1 when the consumer is parked on a poison event.", []string{"consumer"}, nil),
		up: prometheus.NewDesc("mastra_admin_consumers_scrape_ok",
			"1 when the consumers' state could be read from the database.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *ConsumerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.position
	ch <- c.lag
	ch <- c.parked
	ch <- c.up
}

// Collect implements prometheus.Collector.
func (c *ConsumerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	consumers, err := c.app.consumerStatus(ctx)
	if err != nil {
		c.app.log.WithError(err).Warn("metrics: could not read the consumers' state")
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, s := range consumers {
		parked := 0.0
		if s.Parked != nil {
			parked = 1
		}
		ch <- prometheus.MustNewConstMetric(c.position, prometheus.GaugeValue, float64(s.Position), s.Name)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(s.Lag), s.Name)
		ch <- prometheus.MustNewConstMetric(c.parked, prometheus.GaugeValue, parked, s.Name)
	}
}
