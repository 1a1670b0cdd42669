package commands

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitBatchKeepsFilesWhole(t *testing.T) {
	t.Parallel()
	files := func(sizes ...int) []parsed {
		var out []parsed
		for _, n := range sizes {
			out = append(out, parsed{spans: make([]SpanRow, n)})
		}
		return out
	}
	sizes := func(parts [][]parsed) [][]int {
		var out [][]int
		for _, part := range parts {
			var s []int
			for _, p := range part {
				s = append(s, len(p.spans)+len(p.logs))
			}
			out = append(out, s)
		}
		return out
	}
	assert.Equal(t, [][]int{{10, 10}, {10, 10}}, sizes(splitBatch(files(10, 10, 10, 10), 40, 2)))
	assert.Equal(t, [][]int{{30}, {5, 5}}, sizes(splitBatch(files(30, 5, 5), 40, 2)))
	assert.Equal(t, [][]int{{10}, {10}, {10}}, sizes(splitBatch(files(10, 10, 10), 30, 3)))
	assert.Equal(t, [][]int{{7}}, sizes(splitBatch(files(7), 7, 2)), "one file is one part")
	assert.Equal(t, [][]int{{1, 2, 3}}, sizes(splitBatch(files(1, 2, 3), 6, 1)))
	assert.Empty(t, splitBatch(nil, 0, 2))
}
