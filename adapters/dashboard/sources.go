package dashboard

import (
	"encoding/json"
	"html/template"
	"strings"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// sourceKind is how the dashboard shows and picks one type of project
// source. A new type (github, …) is one more entry of sourceKinds.
type sourceKind struct {
	Label string
	// icon is an inline SVG (a trusted constant) labelled with Label.
	icon template.HTML
	// config is the sourceConfig of the source the picker names by ref.
	config func(ref string) (json.RawMessage, error)
	// describe is a project's source config as a person reads it.
	describe func(cfg json.RawMessage) string
}

// svgIcon wraps a 24×24 path in an SVG labelled for screen readers.
func svgIcon(label, path string) template.HTML {
	return template.HTML(`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" role="img" aria-label="` +
		template.HTMLEscapeString(label) + `" focusable="false"><title>` + template.HTMLEscapeString(label) +
		`</title><path fill="currentColor" d="` + path + `"/></svg>`)
}

const (
	folderPath  = "M10 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-8l-2-2z"
	unknownPath = "M12 2 3 7v10l9 5 9-5V7l-9-5zm0 2.3L18.7 8 12 11.7 5.3 8 12 4.3zM5 9.7l6 3.3v6.6l-6-3.3V9.7zm8 9.9V13l6-3.3v6.6l-6 3.3z"
)

var sourceKinds = map[string]sourceKind{
	"local": {
		Label: "Local folder",
		icon:  svgIcon("Local folder", folderPath),
		config: func(ref string) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"path": ref})
		},
		describe: func(cfg json.RawMessage) string {
			var c struct {
				Path string `json:"path"`
			}
			if json.Unmarshal(cfg, &c) != nil || c.Path == "" {
				return ""
			}
			return c.Path
		},
	},
}

// kindOf returns the kind of sourceType, or a generic one for a type this
// dashboard cannot pick (its projects still show).
func kindOf(sourceType string) (sourceKind, bool) {
	k, ok := sourceKinds[sourceType]
	if ok {
		return k, true
	}
	label := "Source type " + sourceType
	return sourceKind{Label: label, icon: svgIcon(label, unknownPath)}, false
}

// sourceShown is a project's source as its pages show it.
type sourceShown struct {
	Type, Label, Detail string
	Icon                template.HTML
}

func showSource(sourceType string, cfg json.RawMessage) sourceShown {
	k, ok := kindOf(sourceType)
	s := sourceShown{Type: sourceType, Label: k.Label, Icon: k.icon}
	if ok {
		s.Detail = k.describe(cfg)
	}
	return s
}

// sourceOption is one choice of the source picker: a source the provider
// found and whether a project can be made from it (else why not).
type sourceOption struct {
	sourceShown
	Name, Path, PackageManager string
	Value                      string // what the picker posts: "<type>:<ref>"
	Valid                      bool
	Reason                     string
}

func sourceOptions(found []project.Source) []sourceOption {
	out := make([]sourceOption, 0, len(found))
	for _, s := range found {
		k, known := kindOf(s.Type)
		o := sourceOption{sourceShown: sourceShown{Type: s.Type, Label: k.Label, Icon: k.icon, Detail: s.Path},
			Name: s.Name, Path: s.Path, PackageManager: s.PackageManager, Value: s.Type + ":" + s.Path, Valid: true}
		switch {
		case !known:
			o.Valid, o.Reason = false, "this dashboard cannot create projects from "+s.Type+" sources yet"
		case !s.HasEntry:
			o.Valid, o.Reason = false, "no src/mastra/index.ts: a Mastra project needs this entry file to build"
		}
		out = append(out, o)
	}
	return out
}

// pickSource resolves the picker's value against the sources found now:
// the chosen source must be listed and valid.
func pickSource(value string, found []project.Source) (sourceType string, cfg json.RawMessage, err error) {
	if value == "" {
		return "", nil, domain.Errorf(domain.KindInvalid, "choose a source for the project")
	}
	typ, ref, ok := strings.Cut(value, ":")
	if !ok || ref == "" {
		return "", nil, domain.Errorf(domain.KindInvalid, "the chosen source %q is not one of the sources found; reload the page and choose again", value)
	}
	for _, o := range sourceOptions(found) {
		if o.Type != typ || o.Path != ref {
			continue
		}
		if !o.Valid {
			return "", nil, domain.Errorf(domain.KindInvalid, "source %s cannot be used: %s", o.Path, o.Reason)
		}
		cfg, err := sourceKinds[typ].config(ref)
		return typ, cfg, err
	}
	return "", nil, domain.Errorf(domain.KindInvalid, "the chosen source %s is not one of the sources found now; reload the page and choose again", ref)
}
