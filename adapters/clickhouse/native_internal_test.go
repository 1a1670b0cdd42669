package clickhouse

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type row struct {
	id  uuid.UUID
	s   string
	u64 uint64
	u32 uint32
	u8  uint8
}

var rows = []row{
	{uuid.MustParse("01900000-0000-7000-8000-0000000000aa"), "", 0, 0, 0},
	{uuid.MustParse("ffeeddcc-bbaa-9988-7766-554433221100"), "ünï \x00 " + string(make([]byte, 200)), 1 << 63, 1 << 31, 255},
	{uuid.Nil, "x", 42, 7, 1},
}

// TestFieldsEncodeAsSlices: a Field encodes exactly as the slice of its
// values (which ch-go's column encoders write), in whole and in part.
func TestFieldsEncodeAsSlices(t *testing.T) {
	t.Parallel()
	ids, strs, u64s, u32s, u8s := []uuid.UUID{}, []string{}, []uint64{}, []uint32{}, []uint8{}
	for _, r := range rows {
		ids, strs, u64s, u32s, u8s = append(ids, r.id), append(strs, r.s), append(u64s, r.u64), append(u32s, r.u32), append(u8s, r.u8)
	}
	for _, c := range []struct {
		slice, field any
	}{
		{ids, Field[row, uuid.UUID]{rows, func(r row) uuid.UUID { return r.id }}},
		{strs, Field[row, string]{rows, func(r row) string { return r.s }}},
		{u64s, Field[row, uint64]{rows, func(r row) uint64 { return r.u64 }}},
		{u32s, Field[row, uint32]{rows, func(r row) uint32 { return r.u32 }}},
		{u8s, Field[row, uint8]{rows, func(r row) uint8 { return r.u8 }}},
	} {
		for _, span := range [][2]int{{0, 3}, {1, 3}, {1, 2}, {2, 2}} {
			var a, b proto.Buffer
			encodeValues(&a, c.slice, span[0], span[1])
			encodeValues(&b, c.field, span[0], span[1])
			assert.Equal(t, a.Buf, b.Buf, "%T %v", c.slice, span)
		}
	}
}

func TestColumnsAreChecked(t *testing.T) {
	t.Parallel()
	f := Field[row, string]{rows, func(r row) string { return r.s }}
	n, err := checkColumns([]Column{{"a", "String", f}, {"b", "UInt8", []uint8{1, 2, 3}}})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for cols, want := range map[*[]Column]string{
		{}:                             "no columns",
		{{"a", "Date", []string{}}}:    "unsupported type Date",
		{{"a", "String", []uint64{1}}}: "values of type []uint64 where []string was expected",
		{{"a", "UInt64", f}}:           "a field of String where UInt64 was expected",
		{{"a", "String", f}, {"b", "UInt8", []uint8{1}}}: "column b has 1 values, the columns before it 3",
	} {
		_, err := checkColumns(*cols)
		assert.ErrorContains(t, err, want)
	}
}

// TestNativeBodyReadsAsItWrites: the HTTP body gives the same bytes,
// blocks of httpBlockRows rows, whether read or written.
func TestNativeBodyReadsAsItWrites(t *testing.T) {
	t.Parallel()
	n := 2*httpBlockRows + 5
	many := make([]row, n)
	for i := range many {
		many[i] = rows[i%len(rows)]
	}
	cols := []Column{
		{"s", "String", Field[row, string]{many, func(r row) string { return r.s }}},
		{"u", "UInt32", Field[row, uint32]{many, func(r row) uint32 { return r.u32 }}},
	}
	var want proto.Buffer
	for lo := 0; lo < n; lo += httpBlockRows {
		encodeBlock(&want, cols, lo, min(lo+httpBlockRows, n))
	}
	var written bytes.Buffer
	w, err := (&nativeBody{cols: cols, rows: n}).WriteTo(&written)
	require.NoError(t, err)
	assert.Equal(t, int64(len(want.Buf)), w)
	assert.Equal(t, want.Buf, written.Bytes())
	read, err := io.ReadAll(iotest.OneByteReader(&nativeBody{cols: cols, rows: n}))
	require.NoError(t, err)
	assert.Equal(t, want.Buf, read)
}
