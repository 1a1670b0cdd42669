package migrations

import (
	"embed"
	"strings"
)

//go:embed clickhouse/*.sql
var clickhouseFiles embed.FS

// ClickHouse returns the embedded ClickHouse migrations in version order.
// ClickHouse runs one statement per query: see Statements.
func ClickHouse() ([]Migration, error) {
	return load(clickhouseFiles, "clickhouse")
}

// Statements splits a migration into its statements: lines starting with
// "--" are dropped and a statement ends with a line ending in ";".
// Statements holding a ";" inside a line (in a string) stay whole.
func Statements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
