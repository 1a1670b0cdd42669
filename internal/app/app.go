package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/email"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/projections"
)

// Config configures an App.
type Config struct {
	Pool   *pgxpool.Pool
	Logger *logrus.Entry
	// ConsistencyTimeout bounds the read-your-writes wait of a command.
	ConsistencyTimeout time.Duration
	// Subscriber tunes the consumers; Store, Notifier, Logger and Parker are set by New.
	Subscriber eventstore.SubscriberConfig
	// Router tunes retries; Logger and Parker are set by New.
	Router eventstore.RouterConfig
	// Commands overrides ports of the command service (clock, IDs, secrets) in tests.
	Commands commands.Config
	// ExpiryInterval is how often Run deletes the previews whose expiry
	// has passed (0: every minute; negative: never).
	ExpiryInterval time.Duration
	// Worker runs builds when its Builder is set (otherwise this process
	// runs none); Commands.LogCache and Commands.Files must be set with it. Wake and
	// OnError are set by New.
	Worker commands.WorkerConfig
	// Serving runs deployed servers on this host when its Runner's
	// Servers are set: the deploy saga and the server runner join the
	// consumers. Runner.OnError is set by New.
	Serving ServingConfig
	// Markers, when set, is where the observability-markers process
	// manager projects the deploy, rollback, restart, stop and env change
	// markers of the metrics charts (the ClickHouse store).
	Markers commands.MarkerStore
}

// ServingConfig configures the process managers that serve deployments.
type ServingConfig struct {
	Saga       commands.DeploySagaConfig
	Runner     commands.ServerRunnerConfig
	Supervisor commands.SupervisorConfig
	// Ship, when set, ships the servers' observability files to file
	// storage until its ctx ends (obsship.Shipper.Run); Run starts it.
	Ship func(ctx context.Context)
}

func (c *Config) setDefaults() {
	if c.ConsistencyTimeout == 0 {
		c.ConsistencyTimeout = 5 * time.Second
	}
	if c.ExpiryInterval == 0 {
		c.ExpiryInterval = time.Minute
	}
}

// Validate reports what is missing.
func (c Config) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("app: pool is nil"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("app: logger is nil"))
	}
	return errors.Join(errs...)
}

// App is the wired core.
type App struct {
	Store    *eventstore.Store
	Notifier *eventstore.Notifier
	Parker   *eventstore.Parker
	Router   *message.Router
	Queries  *projections.Queries
	Waiter   *projections.Waiter
	Admin    *commands.Admin
	// Sessions signs dashboard users in (nil without Commands.Cipher).
	Sessions    *commands.Sessions
	Projections []projections.Projection
	managers    []string // the names of the process managers this process runs
	log         *logrus.Entry
	expiry      time.Duration // see Config.ExpiryInterval
	worker      commands.WorkerConfig
	workerDone  chan struct{} // closed when the build worker has stopped
	runner      *commands.ServerRunner
	ship        func(ctx context.Context) // see ServingConfig.Ship
	workerWake  chan struct{}
	ingestMu    sync.Mutex
	ingest      IngestStatusSource // see SetIngester
}

// Projections returns every projection of MastraAdmin.
func Projections() []projections.Projection {
	return []projections.Projection{projections.Users{}, projections.Teams{}, projections.Projects{}, projections.Deployments{}, projections.Builds{}, projections.Servers{}, projections.Routes{}, projections.EnvExposure{}, projections.Audit{}}
}

// New wires an App; Run starts its consumers.
func New(cfg Config) (*App, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	notifier := eventstore.NewNotifier(cfg.Pool, cfg.Logger)
	store, err := eventstore.New(eventstore.Config{Pool: cfg.Pool, Notifier: notifier})
	if err != nil {
		return nil, err
	}
	a := &App{
		Store:       store,
		Notifier:    notifier,
		Parker:      eventstore.NewParker(cfg.Pool),
		Queries:     projections.NewQueries(cfg.Pool),
		Projections: Projections(),
		log:         cfg.Logger,
		expiry:      cfg.ExpiryInterval,
	}
	waiter := projections.NewWaiter(cfg.Pool, cfg.ConsistencyTimeout, a.Projections...)
	a.Waiter = waiter
	sc := cfg.Subscriber
	wake := make(chan struct{}, 1)
	onCommit := func(consumer string, pos eventstore.Position) {
		waiter.Advanced(consumer, pos)
		select { // the builds read model may have moved: the worker looks
		case wake <- struct{}{}:
		default:
		}
		if consumer == (projections.Builds{}).Name() {
			// Workers of other processes look too: the read model they
			// read moved on here, after the append that woke them.
			notifier.Published()
		}
	}
	sc.Store, sc.Notifier, sc.Logger, sc.Parker, sc.OnCommit = store, a.Notifier, cfg.Logger, a.Parker, onCommit
	sub, err := eventstore.NewSubscriber(sc)
	if err != nil {
		return nil, err
	}
	rc := cfg.Router
	rc.Logger, rc.Parker = cfg.Logger, a.Parker
	if a.Router, err = eventstore.NewRouter(rc); err != nil {
		return nil, err
	}
	projections.Register(a.Router, sub, a.Projections...)

	cc := cfg.Commands
	cc.Store = pgstore.NewEventStore(store, pgstore.Registry())
	cc.Reads = a.Queries
	cc.Serving = a.Queries
	cc.Exposure = a.Queries
	if cc.Overview == nil {
		cc.Overview = a.Queries
	}
	cc.Events = pgstore.EventLog{Store: store}
	cc.Consistency = pgstore.Waiter{W: waiter, Log: cfg.Logger}
	if cc.Mailer == nil {
		cc.Mailer = email.Console{Log: cfg.Logger}
	}
	if cc.Workers == nil {
		cc.Workers = pgstore.Workers{DB: cfg.Pool}
	}
	if cc.Usage == nil {
		cc.Usage = &pgstore.TokenUsage{DB: cfg.Pool, Log: cfg.Logger}
	}
	if a.Admin, err = commands.New(cc); err != nil {
		return nil, err
	}
	if cc.Cipher != nil {
		a.Sessions, err = commands.NewSessions(commands.SessionsConfig{Admin: a.Admin, Store: pgstore.Sessions{DB: cfg.Pool},
			Cipher: cc.Cipher, Clock: cc.Clock})
		if err != nil {
			return nil, err
		}
	}
	if cfg.Markers != nil {
		a.register(sub, a.Admin.MarkerProjector(cfg.Markers))
	}
	if cfg.Serving.Runner.Servers != nil {
		if err := a.serve(cfg, sub); err != nil {
			return nil, err
		}
		a.ship = cfg.Serving.Ship
	}
	if cfg.Worker.Builder != nil {
		if cc.LogCache == nil || cc.Files == nil {
			return nil, errors.New("app: a build worker needs Commands.LogCache and Commands.Files")
		}
		a.worker = cfg.Worker
		a.worker.Wake, a.workerWake = wake, wake
		a.worker.OnError = func(err error) { cfg.Logger.WithError(err).Warn("build worker") }
	}
	return a, nil
}

// Run runs the notifier, the consumers and the housekeeping until ctx
// ends, then closes the router, letting in-flight batches finish or roll
// back.
func (a *App) Run(ctx context.Context) error {
	nctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go a.Notifier.Run(nctx)
	if a.expiry > 0 {
		go a.housekeep(nctx, a.expiry)
	}
	if a.worker.Builder != nil {
		go forward(nctx, a.Notifier, a.workerWake)
		a.workerDone = make(chan struct{})
		go func() {
			defer close(a.workerDone)
			select {
			case <-a.Router.Running():
			case <-nctx.Done(): // the consumers never started
				return
			}
			if err := a.Admin.RunBuildWorker(nctx, a.worker); err != nil {
				a.log.WithError(err).Error("build worker stopped")
			}
		}()
		defer func() { // its builds are recorded as interrupted first
			cancel()
			<-a.workerDone
		}()
	}
	if a.runner != nil {
		defer a.runner.Close() // the waits in progress; the servers run on
		go a.recoverServers(nctx)
	}
	if a.ship != nil {
		go a.ship(nctx)
	}
	if err := a.Router.Run(ctx); err != nil {
		return fmt.Errorf("run consumers: %w", err)
	}
	return nil
}

// Logger returns the App's logger.
func (a *App) Logger() *logrus.Entry { return a.log }

// Running is closed once the consumers are running.
func (a *App) Running() <-chan struct{} { return a.Router.Running() }

// Close stops the consumers.
func (a *App) Close() error { return a.Router.Close() }

// housekeep sweeps deployments (expired previews, those of deleted
// projects) and warns about the license, every interval until ctx ends.
func (a *App) housekeep(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	lw := licenseWarner{state: a.Admin.License().State, last: time.Now()} // serve warned at start
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		lw.check(a.log, a.Admin.License(), time.Now())
		n, err := a.Admin.ExpireDeployments(ctx)
		if err != nil && ctx.Err() == nil {
			a.log.WithError(err).Warn("deployment sweep failed; trying again at the next one")
		}
		if n > 0 {
			a.log.WithField("deleted", n).Info("expired or orphaned deployments deleted")
		}
		if a.Sessions != nil {
			if _, err := a.Sessions.Prune(ctx); err != nil && ctx.Err() == nil {
				a.log.WithError(err).Warn("dashboard session sweep failed; trying again at the next one")
			}
		}
	}
}

// serve adds the deploy saga and the server runner to the consumers.
func (a *App) serve(cfg Config, sub message.Subscriber) error {
	saga, err := a.Admin.DeploySaga(cfg.Serving.Saga)
	if err != nil {
		return err
	}
	rc := cfg.Serving.Runner
	rc.OnError = func(err error) { cfg.Logger.WithError(err).Warn("server runner") }
	if a.runner, err = a.Admin.ServerRunner(rc); err != nil {
		return err
	}
	a.register(sub, saga, a.runner, a.Admin.Supervisor(cfg.Serving.Supervisor))
	return nil
}

// register runs the process managers as consumers of their own; their
// positions, lag and parks join the read models' in Ready and the metrics.
func (a *App) register(sub message.Subscriber, pms ...commands.ProcessManager) {
	pgstore.RegisterProcessManagers(a.Router, sub, pgstore.Registry(), pms...)
	for _, pm := range pms {
		a.managers = append(a.managers, pm.Name())
	}
}

// recoverServers has the runner take up its servers again once the
// servers read model has caught up with the store.
func (a *App) recoverServers(ctx context.Context) {
	select {
	case <-a.Router.Running():
	case <-ctx.Done():
		return
	}
	for {
		err := a.Waiter.WaitForHead(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		a.log.WithError(err).Warn("servers not recovered yet: the read models are catching up")
	}
	if err := a.runner.Recover(ctx, a.Queries); err != nil && ctx.Err() == nil {
		a.log.WithError(err).Error("servers not recovered")
	}
}

// forward wakes the build worker whenever the notifier wakes its waiters
// (appends, and read-model moves of other processes), until ctx ends.
func forward(ctx context.Context, n *eventstore.Notifier, wake chan<- struct{}) {
	ch, unregister := n.Register()
	defer unregister()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}
