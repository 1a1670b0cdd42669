package bundler

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
)

var (
	//go:embed assets/entry.mjs.tmpl
	entryTmpl string
	//go:embed assets/jsonl.mjs
	jsonlJS string
	//go:embed assets/place.mjs.tmpl
	placeTmpl string
)

// JSONLFile is the module the entry writes its files with, beside it.
const JSONLFile = "mastra-admin-jsonl.mjs"

// Values in the templates are JSON, so JavaScript literals; the
// delimiters cannot occur in JavaScript.
var (
	entryT = template.Must(template.New("entry").Delims("{%", "%}").Parse(entryTmpl))
	placeT = template.Must(template.New("place").Delims("{%", "%}").Parse(placeTmpl))
)

// js is v as a JavaScript literal.
func js(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	// JSON is JavaScript, but for these two line terminators in strings
	// (before ES2019) — harmless to escape.
	s := strings.ReplaceAll(string(b), "\u2028", `\u2028`)
	return strings.ReplaceAll(s, "\u2029", `\u2029`), nil
}

// renderEntry returns the entry for a project named service.
func (b *Bundler) renderEntry(service string) (string, error) {
	if service == "" {
		service = "mastra"
	}
	vals := map[string]any{"Service": service, "MaxFileBytes": b.cfg.MaxFileBytes,
		"MaxFileAgeMs": b.cfg.MaxFileAge.Milliseconds(), "LogLevel": b.cfg.LogLevel}
	lit := map[string]string{}
	for k, v := range vals {
		s, err := js(v)
		if err != nil {
			return "", fmt.Errorf("render the entry: %w", err)
		}
		lit[k] = s
	}
	var sb strings.Builder
	if err := entryT.Execute(&sb, lit); err != nil {
		return "", fmt.Errorf("render the entry: %w", err)
	}
	return sb.String(), nil
}

// placeScript returns the program that writes the entry and its module
// into the bundle and moves the staged package in.
func (b *Bundler) placeScript(p probe) (string, error) {
	entry, err := b.renderEntry(p.Project)
	if err != nil {
		return "", err
	}
	files, err := js(map[string]string{local.EntryFile: entry, JSONLFile: jsonlJS})
	if err != nil {
		return "", err
	}
	staging, _ := js(stagingDir)
	var sb strings.Builder
	if err := placeT.Execute(&sb, map[string]string{"Files": files, "Staging": staging}); err != nil {
		return "", fmt.Errorf("render the place script: %w", err)
	}
	return sb.String(), nil
}
