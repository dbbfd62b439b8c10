package worker

import (
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the worker's Prometheus collectors.
type metrics struct {
	// total counts finished attempts by job type and the status they left: SUCCEEDED, FAILED
	// or RETRYING.
	total *prometheus.CounterVec
	// duration observes how long handlers ran, by job type.
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	return &metrics{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accesshive_jobs_total",
			Help: "Job attempts that ended, by job type and the status they left the job in (SUCCEEDED, FAILED, RETRYING).",
		}, []string{"type", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "accesshive_job_duration_seconds",
			Help:    "How long job handlers ran, by job type.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 7200},
		}, []string{"type"}),
	}
}

// register registers the collectors on reg. When another Worker of the process registered them
// first, this one adopts the registered collectors, so both count into the same series.
func (m *metrics) register(reg prometheus.Registerer, logger *slog.Logger) {
	if c, err := registerOrExisting(reg, m.total); err == nil {
		m.total = c.(*prometheus.CounterVec)
	} else {
		logger.Error("worker: register metric", slog.Any("error", err))
	}
	if c, err := registerOrExisting(reg, m.duration); err == nil {
		m.duration = c.(*prometheus.HistogramVec)
	} else {
		logger.Error("worker: register metric", slog.Any("error", err))
	}
}

func registerOrExisting(reg prometheus.Registerer, c prometheus.Collector) (prometheus.Collector, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		return are.ExistingCollector, nil
	}
	return nil, err
}

// Collectors returns the worker's Prometheus collectors (accesshive_jobs_total and
// accesshive_job_duration_seconds), for a caller that registers them itself.
func (w *Worker) Collectors() []prometheus.Collector {
	return []prometheus.Collector{w.metrics.total, w.metrics.duration}
}
