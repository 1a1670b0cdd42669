package obsship

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

const (
	closedSuffix = ".jsonl"
	openSuffix   = ".jsonl.open"
)

// kinds are the folders of a server's observability folder.
var kinds = []string{commands.KindSpans, commands.KindLogs}

// nameSpace seeds the IDs of shipped files (UUIDv5 of server, kind and
// local name).
var nameSpace = uuid.MustParse("5f1b0e4e-8f0a-4c55-9a8e-6d0b1f3c2a71")

// Config configures a Shipper.
type Config struct {
	// ServersDir is DATA_DIR/servers: <deploymentId>/obs/<serverId>/ in it.
	ServersDir string
	Files      commands.FileStorage
	Places     commands.ServerPlaces
	// Interval is the time between passes (0: 1 s).
	Interval time.Duration
	// CloseIdle is how long an open file of an ended server stays
	// untouched before the Shipper closes it (0: 1 min).
	CloseIdle time.Duration
	Logger    *logrus.Entry
}

func (c *Config) setDefaults() {
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.CloseIdle == 0 {
		c.CloseIdle = time.Minute
	}
	if c.Logger == nil {
		l := logrus.New()
		l.SetOutput(nopWriter{})
		c.Logger = logrus.NewEntry(l)
	}
}

// Validate reports what is missing or wrong.
func (c Config) Validate() error {
	var errs []error
	if !filepath.IsAbs(c.ServersDir) {
		errs = append(errs, fmt.Errorf("obsship: the servers folder %q is not absolute", c.ServersDir))
	}
	if c.Files == nil {
		errs = append(errs, errors.New("obsship: no file storage"))
	}
	if c.Places == nil {
		errs = append(errs, errors.New("obsship: no servers read model"))
	}
	if c.Interval < 0 || c.CloseIdle < 0 {
		errs = append(errs, errors.New("obsship: Interval and CloseIdle cannot be negative"))
	}
	return errors.Join(errs...)
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// Shipper moves closed span and log files of this host's servers to file
// storage.
type Shipper struct {
	cfg Config
	// unknown holds the servers the read model did not know, warned about once.
	unknown map[uuid.UUID]bool
}

// New returns a Shipper; Run runs it.
func New(cfg Config) (*Shipper, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	return &Shipper{cfg: cfg, unknown: map[uuid.UUID]bool{}}, nil
}

// Pass is what one pass did.
type Pass struct {
	Shipped int // files written to file storage and deleted here
	Closed  int // open files of ended servers closed
	Failed  int // files left for the next pass after an error
	Waiting int // files of servers the read model does not know yet
}

// Run ships every Interval until ctx ends, logging what failed.
func (s *Shipper) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		p, err := s.Ship(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.cfg.Logger.WithError(err).Warn("observability files not shipped; trying again at the next pass")
		} else if p.Failed > 0 {
			s.cfg.Logger.WithField("failed", p.Failed).Warn("observability files not shipped; trying again at the next pass")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Ship makes one pass over the servers' folders. Errors of single files
// are logged and counted in Failed; the error is for the pass as a whole
// (the servers folder unreadable, ctx done).
func (s *Shipper) Ship(ctx context.Context) (Pass, error) {
	var p Pass
	deps, err := os.ReadDir(s.cfg.ServersDir)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil // no server ran here yet
	}
	if err != nil {
		return p, fmt.Errorf("read the servers folder: %w", err)
	}
	for _, d := range deps {
		obs := filepath.Join(s.cfg.ServersDir, d.Name(), "obs")
		servers, err := os.ReadDir(obs)
		if err != nil {
			continue // not a deployment's folder, or no server wrote there
		}
		for _, e := range servers {
			id, err := uuid.Parse(e.Name())
			if err != nil || !e.IsDir() {
				continue
			}
			if err := s.shipServer(ctx, id, filepath.Join(obs, e.Name()), &p); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

// folderFiles lists the closed and the open files of one kind's folder,
// by name (so by opening time).
func folderFiles(dir string) (closed, open []string) {
	entries, _ := os.ReadDir(dir) // a missing folder has no files
	for _, e := range entries {
		switch n := e.Name(); {
		case !e.Type().IsRegular():
		case strings.HasSuffix(n, closedSuffix):
			closed = append(closed, n)
		case strings.HasSuffix(n, openSuffix):
			open = append(open, n)
		}
	}
	sort.Strings(closed)
	return closed, open
}

// shipServer ships the closed files of one server's folder, after closing
// its idle open files if the server has ended.
func (s *Shipper) shipServer(ctx context.Context, id uuid.UUID, dir string, p *Pass) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	files := map[string][]string{}
	opens := map[string][]string{}
	found := false
	for _, k := range kinds {
		files[k], opens[k] = folderFiles(filepath.Join(dir, k))
		found = found || len(files[k]) > 0 || len(opens[k]) > 0
	}
	if !found {
		return nil
	}
	place, ok, err := s.cfg.Places.ServerPlace(ctx, id)
	if err != nil {
		return fmt.Errorf("find server %s: %w", id, err)
	}
	log := s.cfg.Logger.WithField("server_id", id)
	if !ok {
		if !s.unknown[id] {
			s.unknown[id] = true
			log.WithField("folder", dir).Warn("observability files of a server the read model does not know (yet): they wait")
		}
		for _, k := range kinds {
			p.Waiting += len(files[k])
		}
		return nil
	}
	delete(s.unknown, id)
	log = log.WithField("deployment_id", place.DeploymentID)
	for _, k := range kinds {
		if place.Ended {
			for _, n := range opens[k] {
				closed, err := closeIdle(filepath.Join(dir, k, n), s.cfg.CloseIdle)
				if err != nil {
					log.WithError(err).WithField("file", n).Warn("cannot close the open observability file of an ended server")
				}
				if closed != "" {
					p.Closed++
					files[k] = append(files[k], closed)
				}
			}
		}
		for _, n := range files[k] {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.shipFile(ctx, place, k, filepath.Join(dir, k), n); err != nil {
				p.Failed++
				log.WithError(err).WithField("file", n).Warn("observability file not shipped; it stays for the next pass")
				continue
			}
			p.Shipped++
		}
	}
	return nil
}

// shipFile writes one closed file to file storage, then deletes it here.
func (s *Shipper) shipFile(ctx context.Context, place server.Place, kind, dir, name string) error {
	local := filepath.Join(dir, name)
	f, err := os.Open(local)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // shipped meanwhile by another pass (a second admin on this host)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", local, err)
	}
	defer f.Close()
	at, ok := OpenedAt(name)
	if !ok {
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("stat %s: %w", local, err)
		}
		at = st.ModTime()
	}
	id := uuid.NewSHA1(nameSpace, []byte(place.ServerID.String()+"/"+kind+"/"+name))
	dst := commands.ObservabilityPath(kind, place.ProjectID, place.DeploymentID, at, id)
	if err := s.cfg.Files.Write(ctx, dst, f); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := os.Remove(local); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s after shipping it: %w", local, err)
	}
	return nil
}

// OpenedAt reads the opening time from the name the entry gives a file:
// <yyyymmdd>T<hhmmss><ms>Z_<random>.jsonl, in UTC.
func OpenedAt(name string) (time.Time, bool) {
	stamp, _, ok := strings.Cut(name, "_")
	if !ok || len(stamp) != len("20060102T150405000Z") || !strings.HasSuffix(stamp, "Z") {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405.000Z", stamp[:15]+"."+stamp[15:])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
