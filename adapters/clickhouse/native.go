package clickhouse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/google/uuid"
)

// Column is a column of an insert: its name, its ClickHouse type and its
// values, a slice of the Go type of the ClickHouse type — []uuid.UUID for
// UUID, []string for String, []uint64, []uint32 and []uint8 for UInt64,
// UInt32 and UInt8 — or a Field of that type. Both inserters write the
// values in ClickHouse's Native layout straight from there.
type Column struct {
	Name   string
	Type   string
	Values any
}

// fieldType is the Go types of Column values.
type fieldType interface {
	string | uuid.UUID | uint64 | uint32 | uint8
}

// Field is the values of a column read from rows, Get(Rows[i]) for row i:
// a Column of a Field is encoded from the rows without its values being
// gathered into a slice first.
type Field[R any, T fieldType] struct {
	Rows []R
	Get  func(R) T
}

// rowField is what the inserters need of a Field.
type rowField interface {
	len() int
	chType() string
	encode(b *proto.Buffer, lo, hi int)
}

func (f Field[R, T]) len() int { return len(f.Rows) }

func (f Field[R, T]) chType() string {
	var zero T
	switch any(zero).(type) {
	case string:
		return "String"
	case uuid.UUID:
		return "UUID"
	case uint64:
		return "UInt64"
	case uint32:
		return "UInt32"
	}
	return "UInt8"
}

func (f Field[R, T]) encode(b *proto.Buffer, lo, hi int) {
	switch get := any(f.Get).(type) {
	case func(R) string:
		// Room for the strings at once, as encodeValues makes for a
		// []string: no copying of what is written as the buffer grows.
		n := 0
		for _, r := range f.Rows[lo:hi] {
			s := get(r)
			n += len(s) + uvarintLen(uint64(len(s)))
		}
		b.Buf = slices.Grow(b.Buf, n)
		for _, r := range f.Rows[lo:hi] {
			b.PutString(get(r))
		}
		return
	case func(R) uint64:
		b.Buf = slices.Grow(b.Buf, 8*(hi-lo))
		for _, r := range f.Rows[lo:hi] {
			b.Buf = binary.LittleEndian.AppendUint64(b.Buf, get(r))
		}
		return
	}
	put := putFunc[T]()
	for _, r := range f.Rows[lo:hi] {
		put(b, f.Get(r))
	}
}

// putFunc returns the function that appends one value of type T in the
// Native layout (see encodeValues).
func putFunc[T fieldType]() func(*proto.Buffer, T) {
	var put any
	var zero T
	switch any(zero).(type) {
	case string:
		put = func(b *proto.Buffer, v string) { b.PutString(v) }
	case uuid.UUID:
		put = func(b *proto.Buffer, v uuid.UUID) {
			b.Buf = binary.LittleEndian.AppendUint64(b.Buf, binary.BigEndian.Uint64(v[:8]))
			b.Buf = binary.LittleEndian.AppendUint64(b.Buf, binary.BigEndian.Uint64(v[8:]))
		}
	case uint64:
		put = func(b *proto.Buffer, v uint64) { b.Buf = binary.LittleEndian.AppendUint64(b.Buf, v) }
	case uint32:
		put = func(b *proto.Buffer, v uint32) { b.Buf = binary.LittleEndian.AppendUint32(b.Buf, v) }
	case uint8:
		put = func(b *proto.Buffer, v uint8) { b.Buf = append(b.Buf, v) }
	}
	return put.(func(*proto.Buffer, T))
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
		var n int
		if f, ok := c.Values.(rowField); ok {
			if f.chType() != c.Type {
				return 0, fmt.Errorf("column %s: a field of %s where %s was expected", c.Name, f.chType(), c.Type)
			}
			n = f.len()
		} else {
			if got := reflect.TypeOf(c.Values); got != want {
				return 0, fmt.Errorf("column %s: values of type %v where %v was expected", c.Name, got, want)
			}
			n = reflect.ValueOf(c.Values).Len()
		}
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
	case rowField:
		v.encode(b, lo, hi)
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
