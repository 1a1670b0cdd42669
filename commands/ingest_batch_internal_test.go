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

func TestBatcherSplitsTheTailEvenWhenItIsFull(t *testing.T) {
	t.Parallel()
	file := func(n int) *parsed { return &parsed{spans: make([]SpanRow, n)} }
	sizes := func(batches [][]parsed) [][]int {
		out := [][]int{}
		for _, b := range batches {
			s := []int{}
			for _, p := range b {
				s = append(s, len(p.spans))
			}
			out = append(out, s)
		}
		return out
	}
	b := batcher{rows: 100, parts: 2}
	assert.Equal(t, [][]int{}, sizes(b.add(file(50), false)))
	assert.Equal(t, [][]int{{50, 50}}, sizes(b.add(file(50), false)), "a full batch goes")
	assert.Equal(t, [][]int{}, sizes(b.add(file(50), false)))
	assert.Equal(t, [][]int{{50}, {50}}, sizes(b.add(file(50), true)), "the last files, a full batch, go in two parts")

	b = batcher{rows: 100, parts: 2}
	assert.Equal(t, [][]int{}, sizes(b.add(file(30), false)))
	assert.Equal(t, [][]int{{30}}, sizes(b.add(nil, true)), "a failed last file ends the tail")
	assert.Equal(t, [][]int{}, sizes(b.add(nil, true)), "nothing pending, nothing sent")
}
