package httpapi

import (
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
)

// schemaOf describes a Go type as an OpenAPI 3.0 schema, collecting named
// structs into components.
func schemaOf(t reflect.Type, components map[string]any) map[string]any {
	switch t {
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeOf(uuid.UUID{}):
		return map[string]any{"type": "string", "format": "uuid"}
	case reflect.TypeOf([]byte(nil)), reflect.TypeOf(rawJSON{}):
		return map[string]any{"description": "any JSON value"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem(), components)
		return map[string]any{"allOf": []any{s}, "nullable": true}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"description": "any JSON value"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), components)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), components)}
	case reflect.Struct:
		return structSchema(t, components)
	}
	return map[string]any{}
}

// rawJSON stands for json.RawMessage fields (any JSON value).
type rawJSON = []byte

func structSchema(t reflect.Type, components map[string]any) map[string]any {
	props := map[string]any{}
	if t.Name() == "" { // anonymous: inline
		fillProperties(t, props, components)
		return map[string]any{"type": "object", "properties": props}
	}
	name := strings.ReplaceAll(t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]+"."+t.Name(), ".", "_")
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, done := components[name]; !done {
		components[name] = map[string]any{"type": "object", "properties": props} // registered first: recursion ends here
		fillProperties(t, props, components)
	}
	return ref
}

func fillProperties(t reflect.Type, props, components map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		fname, _, _ := strings.Cut(tag, ",")
		if fname == "" {
			fname = f.Name
		}
		props[fname] = schemaOf(f.Type, components)
	}
}
