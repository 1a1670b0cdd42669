package clickhouse

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/google/uuid"
)

// Column is a column of an insert: its name, its ClickHouse type and its
// values, a slice of the Go type of the ClickHouse type: []uuid.UUID for
// UUID, []string for String, []uint64, []uint32 and []uint8 for UInt64,
// UInt32 and UInt8. Both inserters write the values in ClickHouse's
// Native layout straight from these slices.
type Column struct {
	Name   string
	Type   string
	Values any
}

// goTypes are the slice types of Column.Values, by ClickHouse type.
var goTypes = map[string]reflect.Type{
	"String": reflect.TypeFor[[]string](),
	"UUID":   reflect.TypeFor[[]uuid.UUID](),
	"UInt64": reflect.TypeFor[[]uint64](),
	"UInt32": reflect.TypeFor[[]uint32](),
	"UInt8":  reflect.TypeFor[[]uint8](),
}

// checkColumns returns the number of rows of cols, or why they cannot be
// inserted: a type without a Go type, values of another type, columns of
// different lengths.
func checkColumns(cols []Column) (int, error) {
	if len(cols) == 0 {
		return 0, errors.New("no columns")
	}
	rows := -1
	for _, c := range cols {
		want, ok := goTypes[c.Type]
		if !ok {
			return 0, fmt.Errorf("column %s: unsupported type %s", c.Name, c.Type)
		}
		if got := reflect.TypeOf(c.Values); got != want {
			return 0, fmt.Errorf("column %s: values of type %v where %v was expected", c.Name, got, want)
		}
		n := reflect.ValueOf(c.Values).Len()
		if rows >= 0 && n != rows {
			return 0, fmt.Errorf("column %s has %d values, the columns before it %d", c.Name, n, rows)
		}
		rows = n
	}
	return rows, nil
}

// encodeValues appends the values of rows lo to hi of a checked column to
// b in the Native layout: a String as its length (unsigned LEB128) and
// bytes, a UUID as two little-endian 64-bit halves, the integers
// little-endian.
func encodeValues(b *proto.Buffer, values any, lo, hi int) {
	switch v := values.(type) {
	case []string:
		v = v[lo:hi]
		n := 0
		for _, s := range v {
			n += len(s) + uvarintLen(uint64(len(s)))
		}
		b.Buf = slices.Grow(b.Buf, n)
		for _, s := range v {
			b.PutString(s)
		}
	case []uuid.UUID:
		proto.ColUUID(v[lo:hi]).EncodeColumn(b)
	case []uint64:
		proto.ColUInt64(v[lo:hi]).EncodeColumn(b)
	case []uint32:
		proto.ColUInt32(v[lo:hi]).EncodeColumn(b)
	case []uint8:
		proto.ColUInt8(v[lo:hi]).EncodeColumn(b)
	default:
		panic(fmt.Sprintf("clickhouse: values of type %T were not checked", values))
	}
}

// uvarintLen is the length of x as unsigned LEB128.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// encodeBlock appends rows lo to hi of checked columns to b as a block of
// the Native format (as INSERT … FORMAT Native reads it): the number of
// columns and of rows, then each column's name, type and values.
func encodeBlock(b *proto.Buffer, cols []Column, lo, hi int) {
	b.PutUVarInt(uint64(len(cols)))
	b.PutUVarInt(uint64(hi - lo))
	for _, c := range cols {
		b.PutString(c.Name)
		b.PutString(c.Type)
		encodeValues(b, c.Values, lo, hi)
	}
}

// nativeColumn is a checked Column as clickhouse-go's block encoder sees a
// column of an external table: it only encodes its values.
type nativeColumn struct {
	Column
	rows int
}

var _ column.Interface = (*nativeColumn)(nil)

var errSendOnly = errors.New("clickhouse: an insert's column is only sent")

func (c *nativeColumn) Name() string                    { return c.Column.Name }
func (c *nativeColumn) Type() column.Type               { return column.Type(c.Column.Type) }
func (c *nativeColumn) Rows() int                       { return c.rows }
func (c *nativeColumn) Row(int, bool) any               { return nil }
func (c *nativeColumn) ScanRow(any, int) error          { return errSendOnly }
func (c *nativeColumn) Append(any) ([]uint8, error)     { return nil, errSendOnly }
func (c *nativeColumn) AppendRow(any) error             { return errSendOnly }
func (c *nativeColumn) Decode(*proto.Reader, int) error { return errSendOnly }
func (c *nativeColumn) Encode(b *proto.Buffer)          { encodeValues(b, c.Values, 0, c.rows) }
func (c *nativeColumn) ScanType() reflect.Type          { return reflect.TypeOf(c.Values).Elem() }
func (c *nativeColumn) Reset()                          {}
