package commands

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLastWritesForgetsTheOlderHalfPastItsBound(t *testing.T) {
	t.Parallel()
	var l lastWrites[int]
	for i := 1; i <= maxRemembered; i++ {
		l.record(i, Position{TransactionID: uint64(i), GlobalPosition: int64(i)})
	}
	assert.Len(t, l.pos, maxRemembered)
	l.record(5, Position{TransactionID: 1, GlobalPosition: 1})
	assert.Len(t, l.pos, maxRemembered, "a known key never evicts, and never moves back")
	assert.Equal(t, Position{TransactionID: 5, GlobalPosition: 5}, l.of(5))

	newest := Position{TransactionID: maxRemembered + 1, GlobalPosition: maxRemembered + 1}
	l.record(-1, newest)
	assert.LessOrEqual(t, len(l.pos), maxRemembered/2+1, "the older half is forgotten")
	assert.Equal(t, newest, l.of(-1))
	assert.Equal(t, Position{TransactionID: maxRemembered, GlobalPosition: maxRemembered}, l.of(maxRemembered), "recent writes are kept")
	assert.Equal(t, Position{}, l.of(1), "old ones are gone")
}
