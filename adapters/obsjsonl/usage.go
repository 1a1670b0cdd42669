package obsjsonl

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// generationTypes are the span types whose attributes carry a model
// call's token usage (Mastra's ModelGenerationAttributes; llm_generation
// is the name of older @mastra/core versions). The model_step and
// model_inference spans under a generation repeat its usage, so their
// tokens are not counted again.
var generationTypes = map[string]bool{"model_generation": true, "llm_generation": true}

// usageStats is Mastra's UsageStats, with the AI SDK 4 names older
// versions used.
type usageStats struct {
	InputTokens      *float64 `json:"inputTokens"`
	OutputTokens     *float64 `json:"outputTokens"`
	PromptTokens     *float64 `json:"promptTokens"`
	CompletionTokens *float64 `json:"completionTokens"`
}

// usageStatsNames are the JSON names of usageStats' fields, in order.
var usageStatsNames = []string{"inputTokens", "outputTokens", "promptTokens", "completionTokens"}

// counts are the values of u's fields, in usageStatsNames' order.
func (u *usageStats) counts() counts {
	var c counts
	if u == nil {
		return c
	}
	for i, p := range [...]*float64{u.InputTokens, u.OutputTokens, u.PromptTokens, u.CompletionTokens} {
		if p != nil {
			c.val[i], c.set[i] = *p, true
		}
	}
	return c
}

// counts is a usage object's fields in usageStatsNames' order: val[i]
// is meaningful where set[i] (where usageStats' pointer is not nil).
type counts struct {
	val [4]float64
	set [4]bool
}

// tokens are the input and output tokens of c: the AI SDK 5 names, else
// the AI SDK 4 ones; 0 for a negative, NaN or too large count.
func (c counts) tokens() (in, out uint64) {
	pick := func(a, b int) uint64 {
		if !c.set[a] {
			a = b
		}
		if !c.set[a] || c.val[a] < 0 || math.IsNaN(c.val[a]) || c.val[a] > math.MaxInt64 {
			return 0
		}
		return uint64(c.val[a])
	}
	return pick(0, 2), pick(1, 3)
}

// usageOf returns the model and token counts a span's attributes carry:
// the model (responseModel, else model) of any span that names one; the
// usage of a model generation; and, on any span, internalUsage (the
// usage of descendant generations that were not exported, rolled up).
// The attributes are read with the scanner when it takes them, else with
// encoding/json (usageOfJSON); both read them the same way.
func usageOf(spanType string, attributes string, jsonOnly bool) (model string, in, out uint64) {
	if !present(attributes) || attributes[0] != '{' {
		return "", 0, 0
	}
	if jsonOnly {
		return usageOfJSON(spanType, attributes)
	}
	if !mayHaveUsage(attributes) {
		return "", 0, 0
	}
	if model, in, out, ok := scanUsage(spanType, attributes); ok {
		return model, in, out
	}
	return usageOfJSON(spanType, attributes)
}

// mayHaveUsage reports whether attributes (a JSON object) may have a key
// usageOf reads: no such key is written in it, and none can be escaped
// (there is no backslash at all), else it is false. Then encoding/json
// would find none of them either, and usageOf is "", 0, 0.
func mayHaveUsage(attributes string) bool {
	return strings.Contains(attributes, `odel"`) || strings.Contains(attributes, `sage"`) ||
		strings.IndexByte(attributes, '\\') >= 0
}

// Keys of the attributes usageOf reads.
var usageKeys = [...]string{"responseModel", "model", "usage", "internalUsage"}

// scanUsage is usageOf's fast path: false when it leaves the attributes
// to encoding/json.
func scanUsage(spanType string, attributes string) (model string, in, out uint64, ok bool) {
	var vals [len(usageKeys)]string // the last value of each key, as a map keeps it
	s, ok := newScanner(attributes)
	ok = ok && s.object(true, nil, func(key string) bool {
		for i, k := range usageKeys {
			if key == k {
				v, ok := s.value()
				vals[i] = v
				return ok
			}
		}
		return s.skip()
	})
	if !ok {
		return "", 0, 0, false
	}
	for _, v := range vals[:2] {
		if v != "" && v[0] == '"' {
			m, ok := jsonString(v)
			if !ok {
				return "", 0, 0, false
			}
			if m != "" {
				model = m
				break
			}
		}
	}
	stats := func(v string) (counts, bool) {
		switch {
		case v == "" || v[0] != '{' && v != "null": // absent, or not an object: encoding/json's error
			return counts{}, true
		case v == "null":
			return counts{}, true
		}
		return scanUsageStats(v)
	}
	if generationTypes[spanType] {
		u, ok := stats(vals[2])
		if !ok {
			return "", 0, 0, false
		}
		in, out = u.tokens()
	}
	u, ok := stats(vals[3])
	if !ok {
		return "", 0, 0, false
	}
	iin, iout := u.tokens()
	return model, in + iin, out + iout, true
}

// scanUsageStats decodes a usage object as encoding/json decodes it into
// usageStats, as counts: none (with true) where encoding/json fails;
// false when it leaves the object to encoding/json.
func scanUsageStats(v string) (counts, bool) {
	var c counts
	typeErr := false
	s, ok := newScanner(v)
	ok = ok && s.object(true, nil, func(key string) bool {
		f := structKey(key, usageStatsNames)
		switch {
		case f == -2:
			return false
		case f == -1:
			return s.skip()
		}
		switch ch := s.peek(); {
		case ch == 'n':
			c.val[f], c.set[f] = 0, false
			return s.literal("null")
		case ch == '-' || '0' <= ch && ch <= '9':
			start := s.i
			if !s.number() {
				return false
			}
			x, err := strconv.ParseFloat(s.s[start:s.i], 64)
			if err != nil {
				typeErr = true
			}
			c.val[f], c.set[f] = x, true
			return true
		}
		typeErr = true // a string, bool, object or array
		return s.skip()
	})
	switch {
	case !ok:
		return counts{}, false
	case typeErr:
		return counts{}, true
	}
	return c, true
}

// usageOfJSON is usageOf with encoding/json: the slow path.
func usageOfJSON(spanType string, attributes string) (model string, in, out uint64) {
	var a map[string]json.RawMessage
	if json.Unmarshal([]byte(attributes), &a) != nil {
		return "", 0, 0
	}
	for _, k := range []string{"responseModel", "model"} {
		var s string
		if json.Unmarshal(a[k], &s) == nil && s != "" {
			model = s
			break
		}
	}
	stats := func(k string) *usageStats {
		var u usageStats
		if json.Unmarshal(a[k], &u) != nil {
			return nil
		}
		return &u
	}
	if generationTypes[spanType] {
		in, out = stats("usage").counts().tokens()
	}
	iin, iout := stats("internalUsage").counts().tokens()
	return model, in + iin, out + iout
}
