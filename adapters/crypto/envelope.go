package crypto

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Envelope seals and opens values with per-project data keys (a
// commands.Cipher).
type Envelope struct {
	db     eventstore.DBTX
	master MasterKey
	mu     sync.Mutex
	keys   map[uuid.UUID][]byte // unwrapped data keys
}

// NewEnvelope returns an Envelope over the project_data_keys in db.
func NewEnvelope(db eventstore.DBTX, master MasterKey) *Envelope {
	return &Envelope{db: db, master: master, keys: map[uuid.UUID][]byte{}}
}

func valueAD(project uuid.UUID, name string) []byte {
	return []byte("env:" + project.String() + ":" + name)
}
func keyAD(project uuid.UUID) []byte { return []byte("data-key:" + project.String()) }

// Seal encrypts value for a project's variable name.
func (e *Envelope) Seal(ctx context.Context, project uuid.UUID, name string, value []byte) ([]byte, []byte, error) {
	key, err := e.dataKey(ctx, project, true)
	if err != nil {
		return nil, nil, err
	}
	return seal(key, value, valueAD(project, name))
}

// Open decrypts a project's variable.
func (e *Envelope) Open(ctx context.Context, project uuid.UUID, name string, nonce, ct []byte) ([]byte, error) {
	key, err := e.dataKey(ctx, project, false)
	if err != nil {
		return nil, err
	}
	return open(key, nonce, ct, valueAD(project, name))
}

// dataKey returns a project's data key, creating it when create is set.
func (e *Envelope) dataKey(ctx context.Context, project uuid.UUID, create bool) ([]byte, error) {
	e.mu.Lock()
	key, ok := e.keys[project]
	e.mu.Unlock()
	if ok {
		return key, nil
	}
	var masterID string
	var wrapped []byte
	err := e.db.QueryRow(ctx, `SELECT master_key_id, wrapped_key FROM project_data_keys WHERE project_id = $1`, project).
		Scan(&masterID, &wrapped)
	if errors.Is(err, pgx.ErrNoRows) && create {
		if err := e.createDataKey(ctx, project); err != nil {
			return nil, err
		}
		return e.dataKey(ctx, project, false)
	}
	if err != nil {
		return nil, fmt.Errorf("read data key of project %s: %w", project, err)
	}
	if masterID != e.master.ID {
		return nil, fmt.Errorf("project %s's data key is wrapped by master key %s, this server has %s", project, masterID, e.master.ID)
	}
	key, err = unwrap(e.master, wrapped, project)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.keys[project] = key
	e.mu.Unlock()
	return key, nil
}

func (e *Envelope) createDataKey(ctx context.Context, project uuid.UUID) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("make data key: %w", err)
	}
	wrapped, err := wrap(e.master, key, project)
	if err != nil {
		return err
	}
	// Two writers at once: the first key stays, the other is dropped unused.
	// A key is not stored under a master key that others were rotated
	// away from (a process still running with the old key after "keys
	// rotate"): the project could not be read once it restarts.
	tag, err := e.db.Exec(ctx, `INSERT INTO project_data_keys (project_id, master_key_id, wrapped_key)
		SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM project_data_keys WHERE master_key_id <> $2)
		ON CONFLICT (project_id) DO NOTHING`, project, e.master.ID, wrapped)
	if err != nil {
		return fmt.Errorf("store data key of project %s: %w", project, err)
	}
	if tag.RowsAffected() == 0 {
		var other string
		err := e.db.QueryRow(ctx, `SELECT master_key_id FROM project_data_keys WHERE master_key_id <> $1 LIMIT 1`, e.master.ID).Scan(&other)
		if err == nil {
			return fmt.Errorf("%w: %w", ErrStaleMasterKey, domain.Errorf(domain.KindUnavailable,
				"data keys are under master key %s and this server has %s (the key was rotated): restart it with the current key",
				other, e.master.ID))
		}
	}
	return nil
}

// ErrStaleMasterKey means this process's master key is not the one the
// data keys are wrapped with.
var ErrStaleMasterKey = errors.New("crypto: stale master key")

func wrap(m MasterKey, key []byte, project uuid.UUID) ([]byte, error) {
	nonce, ct, err := seal(m.key, key, keyAD(project))
	if err != nil {
		return nil, err
	}
	return append(nonce, ct...), nil
}

func unwrap(m MasterKey, wrapped []byte, project uuid.UUID) ([]byte, error) {
	const nonceSize = 12
	if len(wrapped) <= nonceSize {
		return nil, ErrDecrypt
	}
	key, err := open(m.key, wrapped[:nonceSize], wrapped[nonceSize:], keyAD(project))
	if err != nil {
		return nil, fmt.Errorf("unwrap data key of project %s: %w", project, err)
	}
	return key, nil
}

// Rotate re-wraps every data key from old to next in one transaction and
// returns how many it re-wrapped. Events are not touched.
func Rotate(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, old, next MasterKey) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// New data keys wait for the rotation, then see it.
		if _, err := tx.Exec(ctx, `LOCK TABLE project_data_keys IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock data keys: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT project_id, master_key_id, wrapped_key FROM project_data_keys ORDER BY project_id FOR UPDATE`)
		if err != nil {
			return fmt.Errorf("read data keys: %w", err)
		}
		type row struct {
			project uuid.UUID
			master  string
			wrapped []byte
		}
		all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.project, &x.master, &x.wrapped)
		})
		if err != nil {
			return fmt.Errorf("read data keys: %w", err)
		}
		for _, r := range all {
			if r.master == next.ID {
				continue
			}
			if r.master != old.ID {
				return fmt.Errorf("project %s's data key is wrapped by master key %s, neither %s nor %s", r.project, r.master, old.ID, next.ID)
			}
			key, err := unwrap(old, r.wrapped, r.project)
			if err != nil {
				return err
			}
			rewrapped, err := wrap(next, key, r.project)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE project_data_keys SET master_key_id = $2, wrapped_key = $3 WHERE project_id = $1`,
				r.project, next.ID, rewrapped); err != nil {
				return fmt.Errorf("re-wrap data key of %s: %w", r.project, err)
			}
			n++
		}
		return nil
	})
	return n, err
}
