package obsjsonl

import (
	"encoding/json"
	"math"
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

func (u *usageStats) tokens() (in, out uint64) {
	if u == nil {
		return 0, 0
	}
	pick := func(a, b *float64) uint64 {
		if a == nil {
			a = b
		}
		if a == nil || *a < 0 || math.IsNaN(*a) || *a > math.MaxInt64 {
			return 0
		}
		return uint64(*a)
	}
	return pick(u.InputTokens, u.PromptTokens), pick(u.OutputTokens, u.CompletionTokens)
}

// usageOf returns the model and token counts a span's attributes carry:
// the model (responseModel, else model) of any span that names one; the
// usage of a model generation; and, on any span, internalUsage (the
// usage of descendant generations that were not exported, rolled up).
func usageOf(spanType string, attributes json.RawMessage) (model string, in, out uint64) {
	if !present(attributes) || attributes[0] != '{' {
		return "", 0, 0
	}
	var a map[string]json.RawMessage
	if json.Unmarshal(attributes, &a) != nil {
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
		in, out = stats("usage").tokens()
	}
	iin, iout := stats("internalUsage").tokens()
	return model, in + iin, out + iout
}
