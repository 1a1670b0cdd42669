package local

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// bufPool holds the buffers responses are copied through.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}

// errClientBody marks a failure to read the client's request body.
var errClientBody = errors.New("read the client's request body")

// past is a deadline that makes every pending read and write fail.
var past = time.Unix(1, 0)

// forward sends r to route's target as uri and relays the answer.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, route Route, uri string, prefix bool) {
	if up := upgradeOf(r); up != "" {
		p.upgrade(w, r, route, uri, prefix, up)
		return
	}
	ctx := r.Context()
	bodiless := r.ContentLength == 0
	c, err := p.pools.get(ctx, route.Target)
	var resp *http.Response
	var t tie
	for attempt := 0; err == nil; attempt++ {
		t = tieToClient(w, ctx, c)
		resp, err = p.roundTrip(c, r, route, uri, prefix, "")
		if err == nil {
			break
		}
		t.untie()
		c.Close()
		// A pooled connection the target closed meanwhile fails before any
		// answer: a request without a body is sent again, on a new one.
		if !c.reused || c.nread > 0 || !bodiless || attempt > 0 || ctx.Err() != nil {
			break
		}
		c, err = p.pools.dial(ctx, route.Target)
	}
	if err != nil {
		if errors.Is(err, errClientBody) || ctx.Err() != nil {
			panic(http.ErrAbortHandler) // the client went away
		}
		p.logFailure(route, err)
		writeFailure(w, r, errBadGateway)
		return
	}
	reusable, broken := p.relay(w, resp)
	if t.untie() && reusable && !r.Close {
		p.pools.put(c)
		return
	}
	c.Close()
	if broken {
		// The target broke off: the client must see a broken response,
		// not a complete one.
		panic(http.ErrAbortHandler)
	}
}

// roundTrip writes the request on c and reads the response's head.
func (p *Proxy) roundTrip(c *conn, r *http.Request, route Route, uri string, prefix bool, upgrade string) (*http.Response, error) {
	c.nread = 0
	if err := writeRequest(c.bw, r, uri, prefix, upgrade); err != nil {
		return nil, err
	}
	if p.cfg.ResponseHeaderTimeout > 0 {
		c.SetReadDeadline(time.Now().Add(p.cfg.ResponseHeaderTimeout))
	}
	for {
		resp, err := http.ReadResponse(c.br, r)
		if err != nil {
			return nil, fmt.Errorf("read the response of %s: %w", route.Target, err)
		}
		// Informational answers (103 Early Hints) are not relayed.
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			if p.cfg.ResponseHeaderTimeout > 0 {
				c.SetReadDeadline(time.Time{})
			}
			return resp, nil
		}
	}
}

// writeRequest writes r's head, with the router's forwarding headers and
// without hop-by-hop ones, then its body.
func writeRequest(bw *bufio.Writer, r *http.Request, uri string, prefix bool, upgrade string) error {
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(uri)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(r.Host)
	bw.WriteString("\r\n")
	tokens := connectionTokens(r.Header)
	for k, vv := range r.Header {
		if hopHeader(k) || forwardingHeader(k) || k == "Content-Length" || k == "Expect" || listed(k, tokens) {
			continue
		}
		for _, v := range vv {
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(v)
			bw.WriteString("\r\n")
		}
	}
	bw.WriteString("X-Forwarded-For: ")
	bw.WriteString(clientIP(r))
	if r.TLS != nil {
		bw.WriteString("\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: ")
	} else {
		bw.WriteString("\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: ")
	}
	bw.WriteString(r.Host)
	bw.WriteString("\r\n")
	if prefix {
		bw.WriteString("X-Forwarded-Prefix: /")
		bw.WriteString(uri0(r))
		bw.WriteString("\r\n")
	}
	if upgrade != "" {
		bw.WriteString("Connection: Upgrade\r\nUpgrade: ")
		bw.WriteString(upgrade)
		bw.WriteString("\r\n")
	}
	switch {
	case r.ContentLength > 0:
		bw.WriteString("Content-Length: ")
		bw.WriteString(strconv.FormatInt(r.ContentLength, 10))
		bw.WriteString("\r\n\r\n")
		if _, err := io.CopyN(bw, r.Body, r.ContentLength); err != nil {
			return fmt.Errorf("%w: %w", errClientBody, err)
		}
	case r.ContentLength < 0:
		bw.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		cw := httputil.NewChunkedWriter(bw)
		if _, err := io.Copy(cw, r.Body); err != nil {
			return fmt.Errorf("%w: %w", errClientBody, err)
		}
		cw.Close()
		bw.WriteString("\r\n")
	default:
		if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
			bw.WriteString("Content-Length: 0\r\n")
		}
		bw.WriteString("\r\n")
	}
	return bw.Flush()
}

// uri0 is the first segment of r's path: the route's prefix, as the
// client wrote it.
func uri0(r *http.Request) string {
	path := r.RequestURI
	if path == "" || path[0] != '/' {
		path = r.URL.EscapedPath()
	}
	for i := 1; i < len(path); i++ {
		if path[i] == '/' || path[i] == '?' {
			return path[1:i]
		}
	}
	return path[1:]
}

// relay writes resp to w, flushing after every read when the response is
// streamed (no length: chunked or until close; or server-sent events). It
// reports whether the response was read whole and the connection may
// serve another request, and whether the target broke off mid-body.
func (p *Proxy) relay(w http.ResponseWriter, resp *http.Response) (reusable, broken bool) {
	copyResponseHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	stream := resp.ContentLength < 0 || isEventStream(resp.Header)
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var flusher http.Flusher
	if stream {
		flusher, _ = w.(http.Flusher)
		if flusher != nil {
			flusher.Flush() // the head goes out before the first event
		}
	}
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return false, false // the client went away
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
		if err == io.EOF {
			return !resp.Close, false
		}
		if err != nil {
			return false, true
		}
	}
}

func isEventStream(h http.Header) bool {
	ct := h.Get("Content-Type")
	return len(ct) >= 17 && (ct[:17] == "text/event-stream" || ct[:17] == "Text/Event-Stream")
}

func (p *Proxy) logFailure(route Route, err error) {
	p.log.WithFields(logrus.Fields{
		"deployment_id": route.DeploymentID,
		"subdomain":     route.Subdomain,
		"target":        route.Target,
	}).WithError(err).Warn("router: target did not answer")
}
