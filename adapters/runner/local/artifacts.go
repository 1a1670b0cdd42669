package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
)

// ErrArtifactNotFound is returned by Resolve for an artifact this host
// does not hold.
var ErrArtifactNotFound = errors.New("artifacts: no such artifact")

// ArtifactsConfig configures Artifacts.
type ArtifactsConfig struct {
	// Dir holds one folder per artifact (DATA_DIR/artifacts).
	Dir string
	// Keep is how many artifacts of each deployment Prune keeps (0: 5).
	Keep   int
	Logger *logrus.Entry
}

func (c *ArtifactsConfig) setDefaults() {
	if c.Keep <= 0 {
		c.Keep = 5
	}
	if c.Logger == nil {
		c.Logger = logrus.NewEntry(logrus.New())
	}
}

// Validate reports what is missing.
func (c ArtifactsConfig) Validate() error {
	if c.Dir == "" || !filepath.IsAbs(c.Dir) {
		return fmt.Errorf("artifacts: the folder %q must be an absolute path", c.Dir)
	}
	return nil
}

// Artifacts keeps the runnable output of successful builds, named by
// artifact ID, after their build directories are gone. An artifact is
// <Dir>/<artifactId>/ holding bundle/ (the build's .mastra/output),
// node_modules/ (the packages the bundle imports, found next to it) and
// artifact.json; node resolves the bundle's imports from the
// node_modules beside it.
type Artifacts struct {
	cfg ArtifactsConfig
	mu  sync.Mutex // one Save or Prune at a time in this process
}

// artifactMeta is artifact.json: written last, so an artifact without it
// is not one.
type artifactMeta struct {
	ArtifactID   uuid.UUID `json:"artifactId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	SavedAt      time.Time `json:"savedAt"`
}

const (
	artifactBundle = "bundle"
	artifactMetaFn = "artifact.json"
)

// NewArtifacts returns Artifacts, creating its folder (0711).
func NewArtifacts(cfg ArtifactsConfig) (*Artifacts, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("artifacts: create %s: %w", cfg.Dir, err)
	}
	return &Artifacts{cfg: cfg}, nil
}

// Save moves the bundle at fromDir (a build's .mastra/output) and the
// node_modules it resolves packages from (the nearest one above it, up
// to the project's package.json; one inside the bundle moves with it) into the
// artifact artifactID, and returns the artifact's bundle folder. The
// build directory is not runnable afterwards. Saving an artifact that
// is already there returns it. Files the build user owned become the
// admin's (readable by others), so a server cannot change its artifact.
func (a *Artifacts) Save(ctx context.Context, deploymentID, artifactID uuid.UUID, fromDir string) (string, error) {
	if deploymentID == uuid.Nil || artifactID == uuid.Nil {
		return "", errors.New("save artifact: a deployment ID and an artifact ID are needed")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if dir, err := a.saved(deploymentID, artifactID); err == nil || !errors.Is(err, ErrArtifactNotFound) {
		return dir, err
	}
	dir, err := a.save(ctx, deploymentID, artifactID, fromDir)
	if err != nil {
		if dir, err2 := a.saved(deploymentID, artifactID); err2 == nil { // another process saved it meanwhile
			return dir, nil
		}
		return "", fmt.Errorf("save artifact %s: %w", artifactID, err)
	}
	a.cfg.Logger.WithFields(logrus.Fields{"deployment_id": deploymentID, "artifact_id": artifactID}).Info("artifact saved")
	return dir, nil
}

// saved returns the bundle of an artifact that is already there.
func (a *Artifacts) saved(deploymentID, artifactID uuid.UUID) (string, error) {
	meta, err := a.meta(artifactID)
	if err != nil {
		return "", err
	}
	if meta.DeploymentID != deploymentID {
		return "", fmt.Errorf("save artifact %s: it is deployment %s's already", artifactID, meta.DeploymentID)
	}
	return filepath.Join(a.cfg.Dir, artifactID.String(), artifactBundle), nil
}

func (a *Artifacts) save(ctx context.Context, deploymentID, artifactID uuid.UUID, fromDir string) (string, error) {
	if fi, err := os.Stat(fromDir); err != nil || !fi.IsDir() || !filepath.IsAbs(fromDir) {
		return "", fmt.Errorf("the build output %q is not a folder (an absolute path)", fromDir)
	}
	if _, err := os.Stat(filepath.Join(fromDir, "package.json")); err != nil {
		return "", fmt.Errorf("the build output %s has no package.json", fromDir)
	}
	modules := nodeModulesFor(fromDir)
	stage := filepath.Join(a.cfg.Dir, ".staging-"+artifactID.String()+"-"+randomSuffix())
	if err := os.Mkdir(stage, 0o700); err != nil {
		return "", err
	}
	var undo []func()
	fail := func(err error) (string, error) {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		_ = os.RemoveAll(stage)
		return "", err
	}
	bundle := filepath.Join(stage, artifactBundle)
	if err := move(fromDir, bundle); err != nil {
		return fail(fmt.Errorf("move the bundle: %w", err))
	}
	undo = append(undo, func() { _ = os.Rename(bundle, fromDir) })
	if modules != "" {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if err := move(modules, filepath.Join(stage, "node_modules")); err != nil {
			return fail(fmt.Errorf("move %s: %w", modules, err))
		}
		undo = append(undo, func() { _ = os.Rename(filepath.Join(stage, "node_modules"), modules) })
	}
	if err := reclaim(stage); err != nil {
		return fail(fmt.Errorf("take the artifact from the build user: %w", err))
	}
	meta, _ := json.Marshal(artifactMeta{ArtifactID: artifactID, DeploymentID: deploymentID, SavedAt: time.Now().UTC()})
	if err := os.WriteFile(filepath.Join(stage, artifactMetaFn), meta, 0o644); err != nil {
		return fail(err)
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return fail(err)
	}
	final := filepath.Join(a.cfg.Dir, artifactID.String())
	if err := os.Rename(stage, final); err != nil {
		return fail(err)
	}
	return filepath.Join(final, artifactBundle), nil
}

// nodeModulesFor returns the node_modules folder above the bundle at
// dir that it imports packages from: the nearest one, up to the first
// folder with a package.json (the project). One inside the bundle (the
// injected entry's packages) moves with it; both are needed.
func nodeModulesFor(dir string) string {
	for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
		if isDir(filepath.Join(d, "node_modules")) {
			return filepath.Join(d, "node_modules")
		}
		if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
			return ""
		}
	}
	return ""
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// move renames src to dst, or copies it when they are on different
// file systems (then src is removed).
func move(src, dst string) error {
	err := os.Rename(src, dst)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	if err := copyTreeSkipping(src, dst, nil); err != nil {
		_ = os.RemoveAll(dst)
		return err
	}
	return os.RemoveAll(src)
}

// reclaim gives what another user owns under root (the build user's
// files) to the admin, when the admin is root, readable by others. Giving
// files to root cannot be turned against it, even if the tree changes
// during the walk.
func reclaim(root string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || (st.Uid == 0 && st.Gid == 0) {
			return nil
		}
		if err := os.Lchown(path, 0, 0); err != nil {
			return err
		}
		mode := fi.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return nil
		case mode.IsDir() || mode&0o100 != 0:
			return os.Chmod(path, mode.Perm()|0o055)
		default:
			return os.Chmod(path, mode.Perm()|0o044)
		}
	})
}

// Resolve returns the bundle folder of an artifact.
func (a *Artifacts) Resolve(artifactID uuid.UUID) (string, error) {
	if _, err := a.meta(artifactID); err != nil {
		return "", err
	}
	return filepath.Join(a.cfg.Dir, artifactID.String(), artifactBundle), nil
}

// meta reads an artifact's artifact.json.
func (a *Artifacts) meta(artifactID uuid.UUID) (artifactMeta, error) {
	b, err := os.ReadFile(filepath.Join(a.cfg.Dir, artifactID.String(), artifactMetaFn))
	if errors.Is(err, os.ErrNotExist) {
		return artifactMeta{}, fmt.Errorf("%w: %s", ErrArtifactNotFound, artifactID)
	}
	if err != nil {
		return artifactMeta{}, fmt.Errorf("artifact %s: %w", artifactID, err)
	}
	var m artifactMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return artifactMeta{}, fmt.Errorf("artifact %s: %s: %w", artifactID, artifactMetaFn, err)
	}
	return m, nil
}

// Prune removes the deployment's artifacts but its Keep newest and those
// in keep (the ones serving or about to), and returns the removed IDs.
// It also clears what interrupted saves and prunes left.
func (a *Artifacts) Prune(ctx context.Context, deploymentID uuid.UUID, keep []uuid.UUID) ([]uuid.UUID, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	entries, err := os.ReadDir(a.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("prune artifacts: %w", err)
	}
	var mine []artifactMeta
	for _, e := range entries {
		id, err := uuid.Parse(e.Name())
		if err != nil {
			a.clearLeftover(e)
			continue
		}
		if m, err := a.meta(id); err == nil && m.DeploymentID == deploymentID {
			mine = append(mine, m)
		}
	}
	slices.SortFunc(mine, func(x, y artifactMeta) int {
		if c := y.SavedAt.Compare(x.SavedAt); c != 0 {
			return c
		}
		return strings.Compare(y.ArtifactID.String(), x.ArtifactID.String())
	})
	var removed []uuid.UUID
	for i, m := range mine {
		if i < a.cfg.Keep || slices.Contains(keep, m.ArtifactID) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return removed, fmt.Errorf("prune artifacts: %w", err)
		}
		// Renamed first, so that Resolve never finds half an artifact.
		trash := filepath.Join(a.cfg.Dir, ".trash-"+m.ArtifactID.String()+"-"+randomSuffix())
		if err := os.Rename(filepath.Join(a.cfg.Dir, m.ArtifactID.String()), trash); err != nil {
			return removed, fmt.Errorf("prune artifact %s: %w", m.ArtifactID, err)
		}
		removed = append(removed, m.ArtifactID)
		if err := os.RemoveAll(trash); err != nil {
			return removed, fmt.Errorf("prune artifact %s: %w", m.ArtifactID, err)
		}
	}
	if len(removed) > 0 {
		a.cfg.Logger.WithFields(logrus.Fields{"deployment_id": deploymentID, "removed": len(removed)}).Info("artifacts pruned")
	}
	return removed, nil
}

// clearLeftover removes a trash folder, or a staging folder older than
// an hour (a save that died).
func (a *Artifacts) clearLeftover(e fs.DirEntry) {
	name := e.Name()
	old := false
	if fi, err := e.Info(); err == nil {
		old = time.Since(fi.ModTime()) > time.Hour
	}
	if strings.HasPrefix(name, ".trash-") || (strings.HasPrefix(name, ".staging-") && old) {
		_ = os.RemoveAll(filepath.Join(a.cfg.Dir, name))
	}
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
