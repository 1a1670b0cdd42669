package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed postgres/*.sql
var postgresFiles embed.FS

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Postgres returns the embedded Postgres migrations in version order.
func Postgres() ([]Migration, error) {
	return load(postgresFiles, "postgres")
}

func load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dir, err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and an underscore", e.Name())
		}
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, e.Name(), version)
		}
		seen[version] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: version, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Result says which migrations an Apply call ran.
type Result struct {
	Applied []Migration
	Current int
}

// Apply runs the pending migrations against the pool's current schema, each
// in its own transaction, while holding an advisory lock keyed by the schema
// name: a second replica waits, then finds nothing left to do.
func Apply(ctx context.Context, pool *pgxpool.Pool, list []Migration) (res Result, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return res, fmt.Errorf("acquire connection for migrations: %w", err)
	}
	defer conn.Release()

	schema, err := ensureSchema(ctx, conn.Conn())
	if err != nil {
		return res, err
	}
	key := lockKey(schema)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return res, fmt.Errorf("take migration lock: %w", err)
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); uerr != nil {
			// The session may still hold the lock: never hand it back to the pool.
			_ = conn.Hijack().Close(context.WithoutCancel(ctx))
			err = errors.Join(err, fmt.Errorf("release migration lock: %w", uerr))
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INT PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return res, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, conn.Conn())
	if err != nil {
		return res, err
	}
	for v := range applied {
		res.Current = max(res.Current, v)
	}
	for _, m := range list {
		if applied[m.Version] {
			continue
		}
		if m.Version < res.Current {
			return res, fmt.Errorf("migration %s was never applied but version %d was: refusing to apply out of order", m.Name, res.Current)
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		res.Applied = append(res.Applied, m)
		res.Current = m.Version
	}
	return res, nil
}

// ensureSchema returns the schema migrations go to: the first schema of
// the search_path, created when missing. (current_schema() would silently
// fall through to the next existing schema on the path, or be NULL.) A
// path starting with "$user" is resolved by Postgres.
func ensureSchema(ctx context.Context, conn *pgx.Conn) (string, error) {
	var path string
	if err := conn.QueryRow(ctx, `SHOW search_path`).Scan(&path); err != nil {
		return "", fmt.Errorf("read search_path: %w", err)
	}
	name := firstSchema(path)
	if name == "$user" {
		var current *string
		if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
			return "", fmt.Errorf("read current schema: %w", err)
		}
		if current == nil {
			return "", fmt.Errorf("search_path %q names no existing schema", path)
		}
		return *current, nil
	}
	if name == "" {
		return "", fmt.Errorf("search_path %q names no schema to migrate", path)
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look up schema %s: %w", name, err)
	}
	if exists {
		return name, nil
	}
	// Creating the same schema concurrently can clash on the catalog's
	// unique index: take a lock on the name first.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey("create:"+name)); err != nil {
		return "", fmt.Errorf("take schema lock: %w", err)
	}
	_, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{name}.Sanitize())
	if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey("create:"+name)); uerr != nil {
		err = errors.Join(err, uerr)
	}
	if err != nil {
		return "", fmt.Errorf("create schema %s: %w", name, err)
	}
	return name, nil
}

// firstSchema returns the first entry of a search_path, unquoted.
func firstSchema(path string) string {
	first, _, _ := strings.Cut(path, ",")
	p := strings.TrimSpace(first)
	if strings.HasPrefix(p, `"`) && strings.HasSuffix(p, `"`) && len(p) >= 2 {
		p = strings.ReplaceAll(p[1:len(p)-1], `""`, `"`)
	}
	return p
}

func appliedVersions(ctx context.Context, conn *pgx.Conn) (map[int]bool, error) {
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	out := make(map[int]bool, len(versions))
	for _, v := range versions {
		out[v] = true
	}
	return out, nil
}

func lockKey(schema string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("mastra-admin/migrations/" + schema))
	return int64(h.Sum64())
}
