package dashboard

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
)

// flash is a one-time message shown on the page an action redirects to.
type flash struct {
	Kind string `json:"k"` // "ok" or "error"
	Msg  string `json:"m"`
	// Form is what a refused form held (never secrets: see keepForm), so
	// the page it returns to can fill the fields in again.
	Form map[string]string `json:"f,omitempty"`
}

// secretFields are form fields never kept for a refused form.
var secretFields = map[string]bool{"csrf": true, "token": true, "value": true, "password": true, "input": true}

// keepForm returns the fields of a refused form worth filling in again:
// single-valued, not secret, short.
func keepForm(form map[string][]string) map[string]string {
	out := map[string]string{}
	size := 0
	for k, v := range form {
		if secretFields[k] || len(v) != 1 || len(v[0]) > 200 {
			continue
		}
		size += len(k) + len(v[0])
		if size > 1500 {
			break
		}
		out[k] = v[0]
	}
	return out
}

const flashCookie = "mastra_admin_flash"

func setFlash(w http.ResponseWriter, f flash) {
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the request's flash message and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return flash{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return flash{}
	}
	var f flash
	if json.Unmarshal(b, &f) != nil || (f.Kind != "ok" && f.Kind != "error") || len(f.Msg) > 2000 || len(f.Form) > 50 {
		return flash{}
	}
	return f
}
