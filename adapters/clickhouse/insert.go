package clickhouse

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
)

// Column is a column of an insert: its name and ClickHouse type. Values
// are uuid.UUID for UUID, string for String, and uint64, uint32 or uint8
// for the unsigned integer types.
type Column struct {
	Name string
	Type string
}

// Inserter writes rows into a table. row fills dst (len(cols) values)
// with row i; dst is reused between rows. ClickHouse 18.16 refuses
// clickhouse-go's batch insert (INSERT … FORMAT Native), so both
// implementations take other paths that it and current versions accept.
type Inserter interface {
	Insert(ctx context.Context, table string, cols []Column, n int, row func(i int, dst []any)) error
}

// ExternalInserter sends the rows as an external table over the native
// protocol with INSERT INTO table SELECT … FROM the external table.
type ExternalInserter struct {
	Conn driver.Conn
}

// Insert implements Inserter.
func (e ExternalInserter) Insert(ctx context.Context, table string, cols []Column, n int, row func(i int, dst []any)) error {
	if n == 0 {
		return nil
	}
	defs := make([]func(*ext.Table) error, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = ext.Column(c.Name, column.Type(c.Type))
		names[i] = c.Name
	}
	tbl, err := ext.NewTable("rows_in", defs...)
	if err != nil {
		return fmt.Errorf("insert into %s: external table: %w", table, err)
	}
	// Gather each column's values into a typed slice and append it whole:
	// much cheaper than the block's row-by-row Append of any values.
	vals := make([]columnValues, len(cols))
	for j, c := range cols {
		if vals[j], err = newColumnValues(c.Type, n); err != nil {
			return fmt.Errorf("insert into %s: column %s: %w", table, c.Name, err)
		}
	}
	dst := make([]any, len(cols))
	for i := 0; i < n; i++ {
		row(i, dst)
		for j, v := range dst {
			if err := vals[j].add(v); err != nil {
				return fmt.Errorf("insert into %s: row %d, column %s: %w", table, i, cols[j].Name, err)
			}
		}
	}
	for j, col := range tbl.Block().Columns {
		if _, err := col.Append(vals[j].slice()); err != nil {
			return fmt.Errorf("insert into %s: column %s: %w", table, cols[j].Name, err)
		}
	}
	list := strings.Join(names, ", ")
	q := "INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM rows_in"
	if err := e.Conn.Exec(clickhouse.Context(ctx, clickhouse.WithExternalTable(tbl)), q); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// columnValues collects one column's values as a typed slice.
type columnValues interface {
	add(v any) error
	slice() any
}

type typedValues[T any] struct{ s []T }

func (t *typedValues[T]) add(v any) error {
	x, ok := v.(T)
	if !ok {
		var want T
		return fmt.Errorf("value of type %T where %T was expected", v, want)
	}
	t.s = append(t.s, x)
	return nil
}

func (t *typedValues[T]) slice() any { return t.s }

func newColumnValues(typ string, n int) (columnValues, error) {
	switch typ {
	case "String":
		return &typedValues[string]{s: make([]string, 0, n)}, nil
	case "UUID":
		return &typedValues[uuid.UUID]{s: make([]uuid.UUID, 0, n)}, nil
	case "UInt64":
		return &typedValues[uint64]{s: make([]uint64, 0, n)}, nil
	case "UInt32":
		return &typedValues[uint32]{s: make([]uint32, 0, n)}, nil
	case "UInt8":
		return &typedValues[uint8]{s: make([]uint8, 0, n)}, nil
	}
	return nil, fmt.Errorf("unsupported column type %s", typ)
}

// HTTPInserter posts the rows to the HTTP interface as
// INSERT … FORMAT JSONEachRow, streaming the body.
type HTTPInserter struct {
	Client   *http.Client
	URL      string // the HTTP interface, e.g. http://127.0.0.1:8123
	Database string
	User     string
	Password string
}

// Insert implements Inserter.
func (h HTTPInserter) Insert(ctx context.Context, table string, cols []Column, n int, row func(i int, dst []any)) error {
	if n == 0 {
		return nil
	}
	names := make([]string, len(cols))
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		sep := ","
		if i == 0 {
			sep = "{"
		}
		keys[i] = []byte(sep + strconv.Quote(c.Name) + ":")
	}
	q := url.Values{}
	q.Set("database", h.Database)
	q.Set("query", "INSERT INTO "+table+" ("+strings.Join(names, ", ")+") FORMAT JSONEachRow")
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 256<<10)
		dst := make([]any, len(cols))
		var buf []byte
		for i := 0; i < n; i++ {
			row(i, dst)
			buf = buf[:0]
			for j, v := range dst {
				buf = append(buf, keys[j]...)
				var err error
				if buf, err = appendJSON(buf, v); err != nil {
					pw.CloseWithError(fmt.Errorf("row %d, column %s: %w", i, names[j], err))
					return
				}
			}
			buf = append(buf, "}\n"...)
			if _, err := w.Write(buf); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Flush())
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(h.URL, "/")+"/?"+q.Encode(), pr)
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	req.Header.Set("X-ClickHouse-User", h.User)
	if h.Password != "" {
		req.Header.Set("X-ClickHouse-Key", h.Password)
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("insert into %s over HTTP: %w", table, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	pr.CloseWithError(io.ErrClosedPipe) // stops the encoder if the server answered early
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("insert into %s over HTTP: %s: %s", table, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// appendJSON appends v as a JSON value for JSONEachRow.
func appendJSON(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return appendJSONString(buf, x), nil
	case uuid.UUID:
		return append(append(append(buf, '"'), x.String()...), '"'), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case uint32:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	}
	return buf, fmt.Errorf("unsupported value type %T", v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(buf, s[start:]...), '"')
}
