package eventstore

import (
	"errors"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/sirupsen/logrus"
)

// RouterConfig configures the Watermill router that runs consumers.
type RouterConfig struct {
	Logger *logrus.Entry
	Parker *Parker // required: the poison-event path
	// MaxRetries is how often a failing handler is retried, with
	// exponential backoff from InitialInterval, before its consumer parks.
	MaxRetries      int
	InitialInterval time.Duration
	MaxInterval     time.Duration
	CloseTimeout    time.Duration
}

func (c *RouterConfig) setDefaults() {
	if c.MaxRetries == 0 {
		c.MaxRetries = 5
	}
	if c.InitialInterval == 0 {
		c.InitialInterval = 100 * time.Millisecond
	}
	if c.MaxInterval == 0 {
		c.MaxInterval = 5 * time.Second
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = 30 * time.Second
	}
}

// Validate reports what is wrong with c.
func (c RouterConfig) Validate() error {
	var errs []error
	if c.Logger == nil {
		errs = append(errs, errors.New("router: logger is nil"))
	}
	if c.Parker == nil {
		errs = append(errs, errors.New("router: parker is nil"))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, errors.New("router: MaxRetries must not be negative"))
	}
	return errors.Join(errs...)
}

// NewRouter returns a Watermill router whose handlers run under, from the
// outside in: the Parker (poison path), Retry with exponential backoff, and
// Recoverer (a panic becomes an error, so it is retried and may park).
func NewRouter(cfg RouterConfig) (*message.Router, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: cfg.CloseTimeout}, NewWatermillLogger(cfg.Logger))
	if err != nil {
		return nil, err
	}
	r.AddMiddleware(
		cfg.Parker.Middleware,
		middleware.Retry{
			MaxRetries:      cfg.MaxRetries,
			InitialInterval: cfg.InitialInterval,
			MaxInterval:     cfg.MaxInterval,
			Multiplier:      2,
			Logger:          NewWatermillLogger(cfg.Logger),
		}.Middleware,
		middleware.Recoverer,
	)
	return r, nil
}

// WatermillLogger adapts a logrus entry to watermill.LoggerAdapter. Watermill
// info lines are demoted to debug: they are lifecycle chatter.
type WatermillLogger struct{ e *logrus.Entry }

// NewWatermillLogger wraps e.
func NewWatermillLogger(e *logrus.Entry) WatermillLogger { return WatermillLogger{e: e} }

func (l WatermillLogger) with(fields watermill.LogFields) *logrus.Entry {
	return l.e.WithFields(logrus.Fields(fields))
}

// Error logs at error level.
func (l WatermillLogger) Error(msg string, err error, fields watermill.LogFields) {
	l.with(fields).WithError(err).Error(msg)
}

// Info logs at debug level.
func (l WatermillLogger) Info(msg string, fields watermill.LogFields) { l.with(fields).Debug(msg) }

// Debug logs at debug level.
func (l WatermillLogger) Debug(msg string, fields watermill.LogFields) { l.with(fields).Debug(msg) }

// Trace logs at trace level.
func (l WatermillLogger) Trace(msg string, fields watermill.LogFields) { l.with(fields).Trace(msg) }

// With returns a logger with fields added.
func (l WatermillLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return WatermillLogger{e: l.with(fields)}
}
