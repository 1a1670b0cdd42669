package clickhouse

import (
	"context"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/mastra-admin/mastra-admin/commands"
)

// File states in ingested_files.
const (
	stateStarted uint8 = 1 // the file's insert began
	stateDone    uint8 = 2 // all its rows are in
)

// fileRows is one file's rows, seen through the accessors the protocol needs.
type fileRows struct {
	file string
	n    int
	key  func(i int) (project string, timeUS uint64, line uint32)
}

// IngestedFiles implements commands.ObservabilityStore.
func (s *Store) IngestedFiles(ctx context.Context, files []string) (map[string]bool, error) {
	states, err := s.fileStates(ctx, files)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(files))
	for _, f := range files {
		out[f] = states[f] == stateDone
	}
	return out, nil
}

// fileStates returns the highest recorded state of each file (0: none).
func (s *Store) fileStates(ctx context.Context, files []string) (map[string]uint8, error) {
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]uint8, len(files))
	for start := 0; start < len(files); start += 1000 {
		chunk := files[start:min(start+1000, len(files))]
		// The names go as an external table: no quoting, no query size limit.
		names, err := ext.NewTable("files_in", ext.Column("file", "String"))
		if err != nil {
			return nil, fmt.Errorf("clickhouse: read ingested files: %w", err)
		}
		for _, f := range chunk {
			if err := names.Append(f); err != nil {
				return nil, fmt.Errorf("clickhouse: read ingested files: %w", err)
			}
		}
		rows, err := s.conn.Query(clickhouse.Context(ctx, clickhouse.WithExternalTable(names)),
			`SELECT file, max(state) FROM ingested_files WHERE file IN (SELECT file FROM files_in) GROUP BY file`)
		if err != nil {
			return nil, classify(fmt.Errorf("clickhouse: read ingested files: %w", err))
		}
		for rows.Next() {
			var f string
			var st uint8
			if err := rows.Scan(&f, &st); err != nil {
				rows.Close()
				return nil, fmt.Errorf("clickhouse: read ingested files: %w", err)
			}
			out[f] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, classify(fmt.Errorf("clickhouse: read ingested files: %w", err))
		}
	}
	return out, nil
}

// InsertSpans implements commands.ObservabilityStore.
func (s *Store) InsertSpans(ctx context.Context, files []commands.SpanFile) error {
	in := make([]fileRows, len(files))
	for i, f := range files {
		in[i] = fileRows{file: f.File, n: len(f.Rows), key: func(j int) (string, uint64, uint32) {
			r := &f.Rows[j]
			return r.ProjectID.String(), r.StartUS, r.Line
		}}
	}
	return s.ingest(ctx, commands.KindSpans, "spans", "start_us", in, func(keep [][]int) error {
		return s.insertChunks(ctx, "spans", keep, func(refs []rowRef) []Column {
			rows := make([]*commands.SpanRow, len(refs))
			for i, r := range refs {
				rows[i] = &files[r.file].Rows[r.row]
			}
			return spanColumns(rows)
		})
	})
}

// InsertLogs implements commands.ObservabilityStore.
func (s *Store) InsertLogs(ctx context.Context, files []commands.LogFile) error {
	in := make([]fileRows, len(files))
	for i, f := range files {
		in[i] = fileRows{file: f.File, n: len(f.Rows), key: func(j int) (string, uint64, uint32) {
			r := &f.Rows[j]
			return r.ProjectID.String(), r.TimeUS, r.Line
		}}
	}
	return s.ingest(ctx, commands.KindLogs, "logs", "time_us", in, func(keep [][]int) error {
		return s.insertChunks(ctx, "logs", keep, func(refs []rowRef) []Column {
			rows := make([]*commands.LogRow, len(refs))
			for i, r := range refs {
				rows[i] = &files[r.file].Rows[r.row]
			}
			return logColumns(rows)
		})
	})
}

// ingest runs the exactly-once protocol (see doc.go) for files of one
// kind: skip the files recorded done, record the new ones started, drop
// from the files recorded started the rows already stored, insert the
// rest, record every file done. insert is given, per file, the indexes of
// the rows to insert.
func (s *Store) ingest(ctx context.Context, kind, table, timeCol string, files []fileRows, insert func(keep [][]int) error) error {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.file
	}
	states, err := s.fileStates(ctx, names)
	if err != nil {
		return err
	}
	keep := make([][]int, len(files)) // per file, the rows to insert
	var fresh, todo []int
	for i, f := range files {
		switch states[f.file] {
		case stateDone:
			continue
		case stateStarted:
			if keep[i], err = s.missingRows(ctx, table, timeCol, f); err != nil {
				return err
			}
		default:
			keep[i] = make([]int, f.n)
			for j := range keep[i] {
				keep[i][j] = j
			}
			fresh = append(fresh, i)
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return nil
	}
	if err := s.recordFiles(ctx, kind, stateStarted, files, fresh); err != nil {
		return err
	}
	if err := insert(keep); err != nil {
		return err
	}
	return s.recordFiles(ctx, kind, stateDone, files, todo)
}

// missingRows returns the indexes of f's rows whose line is not yet
// stored for f. The query reads only f's project and time range, which
// the ordering key indexes.
func (s *Store) missingRows(ctx context.Context, table, timeCol string, f fileRows) ([]int, error) {
	if f.n == 0 {
		return []int{}, nil
	}
	projects := map[string]bool{}
	lo, hi := ^uint64(0), uint64(0)
	for j := 0; j < f.n; j++ {
		p, t, _ := f.key(j)
		projects[p] = true
		lo, hi = min(lo, t), max(hi, t)
	}
	plist := make([]string, 0, len(projects))
	for p := range projects {
		plist = append(plist, p)
	}
	q := fmt.Sprintf(`SELECT DISTINCT line FROM %s WHERE project_id IN (%s) AND %s BETWEEN ? AND ? AND file = ?`,
		table, uuidList(plist), timeCol)
	rows, err := s.conn.Query(ctx, q, lo, hi, f.file)
	if err != nil {
		return nil, classify(fmt.Errorf("clickhouse: read stored lines of %s: %w", f.file, err))
	}
	have := map[uint32]bool{}
	for rows.Next() {
		var l uint32
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return nil, fmt.Errorf("clickhouse: read stored lines of %s: %w", f.file, err)
		}
		have[l] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(fmt.Errorf("clickhouse: read stored lines of %s: %w", f.file, err))
	}
	out := []int{}
	for j := 0; j < f.n; j++ {
		if _, _, l := f.key(j); !have[l] {
			out = append(out, j)
		}
	}
	return out, nil
}

// uuidList renders UUID strings (already parsed, so safe to inline) as
// toUUID('…') arguments of IN.
func uuidList(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "toUUID('" + id + "')"
	}
	return strings.Join(parts, ", ")
}

// recordFiles writes the state of the files at the given indexes.
func (s *Store) recordFiles(ctx context.Context, kind string, state uint8, files []fileRows, idx []int) error {
	if len(idx) == 0 {
		return nil
	}
	at := uint64(s.now().UnixMicro())
	names, kinds, states, rows, ats := make([]string, len(idx)), make([]string, len(idx)), make([]uint8, len(idx)), make([]uint64, len(idx)), make([]uint64, len(idx))
	for i, fi := range idx {
		names[i], kinds[i], states[i], rows[i], ats[i] = files[fi].file, kind, state, uint64(files[fi].n), at
	}
	return classify(s.insert.Insert(ctx, "ingested_files", []Column{
		{"file", "String", names}, {"kind", "String", kinds}, {"state", "UInt8", states}, {"rows", "UInt64", rows}, {"at_us", "UInt64", ats},
	}))
}

// rowRef is a row of an insert: the index of its file and its index there.
type rowRef struct{ file, row int }

// insertChunks inserts the kept rows of every file in INSERTs of at most
// BatchRows rows, each made into columns by build.
func (s *Store) insertChunks(ctx context.Context, table string, keep [][]int, build func([]rowRef) []Column) error {
	total := 0
	for _, k := range keep {
		total += len(k)
	}
	refs := make([]rowRef, 0, min(total, s.cfg.BatchRows))
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		err := s.insert.Insert(ctx, table, build(refs))
		refs = refs[:0]
		return classify(err)
	}
	for fi, k := range keep {
		for _, j := range k {
			refs = append(refs, rowRef{fi, j})
			if len(refs) >= s.cfg.BatchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
