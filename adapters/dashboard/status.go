package dashboard

import (
	"fmt"
	"time"
)

// The template functions of the projects, env and deployments pages,
// added to funcs before any page is parsed.
func init() {
	funcs["statusBadge"] = statusBadge
	funcs["idTail"] = idTail
	funcs["took"] = took
	funcs["percent"] = func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f %%", *f)
	}
	funcs["rss"] = func(n *int64) string {
		if n == nil {
			return "—"
		}
		return byteSize(*n)
	}
}

// idTail is the end of an ID, to tell IDs apart at a glance: the start of
// a UUIDv7 is its time, alike in IDs made close together.
func idTail(id fmt.Stringer) string {
	v := id.String()
	if len(v) > 8 {
		return v[len(v)-8:]
	}
	return v
}

// statusBadge is the badge class of a deployment's, build's or server's
// status (its text is always shown too: colour is not the only signal).
func statusBadge(status any) string {
	switch fmt.Sprint(status) {
	case "running", "succeeded", "healthy", "active":
		return "ok"
	case "failed", "unhealthy", "exited":
		return "error"
	case "building", "deploying", "queued", "scheduled", "started", "stopping":
		return "warn"
	}
	return ""
}

// took is how long from start to end lasted ("" when it has not started;
// "running" when it has not ended).
func took(start, end *time.Time) string {
	switch {
	case start == nil:
		return ""
	case end == nil:
		return "running"
	}
	d := end.Sub(*start)
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// byteSize renders n bytes in binary units (512 B, 50.0 MiB).
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
