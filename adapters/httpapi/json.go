package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/mastra-admin/mastra-admin/domain"
)

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// decodeJSON reads exactly one JSON object into dst, rejecting unknown
// fields, trailing data and bodies over the server's limit, and then, more
// strictly than encoding/json: a null body, a key given twice in any
// object (nested ones included), a key that names a field in another case
// ("Value" for "value": encoding/json would take it) and null for a field
// that cannot be absent. The content type and encoding are checked before,
// by checkBody.
func decodeJSON(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return bodyError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return domain.Errorf(domain.KindInvalid, "request body must hold a single JSON object and nothing after it")
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return domain.Errorf(domain.KindInvalid, "request body is null; send a JSON object")
	}
	walk := json.NewDecoder(bytes.NewReader(body))
	walk.UseNumber()
	return strictValue(walk, reflect.TypeOf(dst), "")
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// strictValue reads the next value from dec, which t (nil: any JSON) will
// receive, and refuses what encoding/json lets through; at names where the
// value is, for messages ("" for the body).
func strictValue(dec *json.Decoder, t reflect.Type, at string) error {
	nullable := t == nil
	for t != nil && t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	if t != nil {
		switch t.Kind() {
		case reflect.Interface, reflect.Slice, reflect.Map:
			nullable = true
		}
		if reflect.PointerTo(t).Implements(unmarshaler) || t.Kind() == reflect.Interface {
			nullable = nullable || t == reflect.TypeFor[json.RawMessage]()
			t = nil // its own decoding (times, raw JSON) or any JSON: only duplicates are checked inside
		}
	}
	tok, err := dec.Token()
	if err != nil {
		return domain.Errorf(domain.KindInvalid, "request body is not valid JSON") // Decode accepted it: unreachable
	}
	switch tok {
	case json.Delim('{'):
		return strictObject(dec, t, at)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := strictValue(dec, elem, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // ']'
	case nil:
		if at != "" && !nullable {
			return domain.Errorf(domain.KindInvalid, "field %q must not be null: leave it out or give it a value", at)
		}
	}
	return nil
}

// strictObject reads an object's members after its '{'.
func strictObject(dec *json.Decoder, t reflect.Type, at string) error {
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = map[string]reflect.Type{}
		jsonFields(t, fields)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		name := key
		if at != "" {
			name = at + "." + key
		}
		if seen[key] {
			return domain.Errorf(domain.KindInvalid, "key %q appears twice in the request body; send each key once", name)
		}
		seen[key] = true
		var next reflect.Type
		switch {
		case fields != nil:
			ft, ok := fields[key]
			if !ok {
				for known := range fields {
					if strings.EqualFold(known, key) {
						return domain.Errorf(domain.KindInvalid, "unknown field %q: field names are case-sensitive; did you mean %q?", name, known)
					}
				}
				return domain.Errorf(domain.KindInvalid, "unknown field %q", name)
			}
			next = ft
		case t != nil && t.Kind() == reflect.Map:
			next = t.Elem()
		}
		if err := strictValue(dec, next, name); err != nil {
			return err
		}
	}
	_, _ = dec.Token() // '}'
	return nil
}

// jsonFields adds the JSON names of t's fields, as encoding/json sees
// them (embedded structs' fields promoted), with their types.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFields(ft, into)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := into[name]; !dup {
			into[name] = f.Type
		}
	}
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "of another type"
}

func bodyError(err error) error {
	var (
		tooBig  *http.MaxBytesError
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return domain.Errorf(domain.KindInvalid, "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.KindInvalid, "request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.KindInvalid, "request body is truncated JSON")
	case errors.As(err, &syntax):
		return domain.Errorf(domain.KindInvalid, "request body is not valid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return domain.Errorf(domain.KindInvalid, "request body must be a JSON object, not %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return domain.Errorf(domain.KindInvalid, "field %q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind()), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return domain.Errorf(domain.KindInvalid, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return domain.Errorf(domain.KindInvalid, "%s", fmt.Sprintf("request body: %v", err))
}
