package clickhouse

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Inserter writes rows, given column by column (see Column), into a
// table. ClickHouse 18.16 refuses clickhouse-go's batch insert (INSERT …
// FORMAT Native over the native protocol), so both implementations take
// other paths that it and current versions accept; both send the values
// in the Native layout, encoded straight from the columns' slices.
type Inserter interface {
	Insert(ctx context.Context, table string, cols []Column) error
}

// ExternalInserter sends the rows as an external table over the native
// protocol with INSERT INTO table SELECT … FROM the external table.
type ExternalInserter struct {
	Conn driver.Conn
}

// Insert implements Inserter.
func (e ExternalInserter) Insert(ctx context.Context, table string, cols []Column) error {
	rows, err := checkColumns(cols)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if rows == 0 {
		return nil
	}
	tbl, err := ext.NewTable("rows_in")
	if err != nil {
		return fmt.Errorf("insert into %s: external table: %w", table, err)
	}
	names := make([]string, len(cols))
	block := tbl.Block()
	block.Columns = make([]column.Interface, len(cols))
	for i, c := range cols {
		block.Columns[i] = &nativeColumn{Column: c, rows: rows}
		names[i] = c.Name
	}
	list := strings.Join(names, ", ")
	q := "INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM rows_in"
	if err := e.Conn.Exec(clickhouse.Context(ctx, clickhouse.WithExternalTable(tbl)), q); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// httpBlockRows bounds the rows of one Native block of an HTTP insert, so
// that the body streams in pieces of a few megabytes.
const httpBlockRows = 16 << 10

// HTTPInserter posts the rows to the HTTP interface as INSERT … FORMAT
// Native, the body encoded a block at a time as it is sent.
type HTTPInserter struct {
	Client   *http.Client
	URL      string // the HTTP interface, e.g. http://127.0.0.1:8123
	Database string
	User     string
	Password string
}

// Insert implements Inserter.
func (h HTTPInserter) Insert(ctx context.Context, table string, cols []Column) error {
	rows, err := checkColumns(cols)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if rows == 0 {
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	q := url.Values{}
	q.Set("database", h.Database)
	q.Set("query", "INSERT INTO "+table+" ("+strings.Join(names, ", ")+") FORMAT Native")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(h.URL, "/")+"/?"+q.Encode(),
		&nativeBody{cols: cols, rows: rows})
	if err != nil {
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
		return fmt.Errorf("insert into %s over HTTP: %w", table, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("insert into %s over HTTP: %w", table, &HTTPError{Status: resp.StatusCode, Body: strings.TrimSpace(string(body))})
	}
	return nil
}

// nativeBody is the body of an HTTP insert: checked columns as Native
// blocks of httpBlockRows rows, each encoded when the transport asks for
// it. WriteTo, which the transport uses, hands each block to the
// connection whole.
type nativeBody struct {
	cols []Column
	rows int
	next int          // the first row not yet encoded
	buf  proto.Buffer // a block encoded, buf.Buf[off:] not yet read
	off  int
}

// block encodes the next block into buf; false after the last.
func (n *nativeBody) block() bool {
	if n.next >= n.rows {
		return false
	}
	hi := min(n.next+httpBlockRows, n.rows)
	n.buf.Reset()
	encodeBlock(&n.buf, n.cols, n.next, hi)
	n.next, n.off = hi, 0
	return true
}

func (n *nativeBody) Read(p []byte) (int, error) {
	for n.off == len(n.buf.Buf) {
		if !n.block() {
			return 0, io.EOF
		}
	}
	c := copy(p, n.buf.Buf[n.off:])
	n.off += c
	return c, nil
}

func (n *nativeBody) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if n.off < len(n.buf.Buf) {
			c, err := w.Write(n.buf.Buf[n.off:])
			total += int64(c)
			n.off += c
			if err != nil {
				return total, err
			}
		}
		if !n.block() {
			return total, nil
		}
	}
}
