package httpapi

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// checkBody refuses, with 415 unsupported_media_type, a request whose body
// is not labelled application/json (a charset parameter, if any, must be
// utf-8) and any request sent with a Content-Encoding other than identity:
// the API neither guesses a body's format nor inflates it. A request
// without a body needs no Content-Type.
func checkBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := bodyRefusal(r); err != nil {
			writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func bodyRefusal(r *http.Request) error {
	for _, enc := range r.Header.Values("Content-Encoding") {
		for _, e := range strings.Split(enc, ",") {
			if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "identity") {
				return &httpError{code: codeUnsupportedMediaType,
					msg: "Content-Encoding " + quoteHeader(e) + " is not supported; send the body uncompressed"}
			}
		}
	}
	if r.ContentLength == 0 {
		return nil // no body (a chunked one has length -1 and is checked)
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return &httpError{code: codeUnsupportedMediaType, msg: "a request body must be sent with Content-Type: application/json"}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return &httpError{code: codeUnsupportedMediaType,
			msg: "Content-Type " + quoteHeader(ct) + " is not supported; send the body as application/json"}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &httpError{code: codeUnsupportedMediaType,
			msg: "charset " + quoteHeader(cs) + " is not supported; JSON bodies are utf-8"}
	}
	return nil
}

// quoteHeader quotes a client's header value for a message, cut short.
func quoteHeader(v string) string {
	if len(v) > 64 {
		v = v[:64] + "…"
	}
	return strconv.Quote(v)
}
