package local

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// responseWriter is the Server's http.ResponseWriter: it writes the head
// and the body on the connection's buffer, chunked when the length is
// unknown and the client speaks HTTP/1.1, else until the connection
// closes. It is reused for every request of a connection.
type responseWriter struct {
	c             *clientConn
	req           *http.Request
	header        http.Header
	wroteHeader   bool
	bodyAllowed   bool
	chunked       bool
	closeAfter    bool // the connection ends with this response
	hijacked      bool
	failed        bool  // a write to the client failed
	contentLength int64 // declared, or -1
	written       int64
}

var (
	_ http.Flusher  = (*responseWriter)(nil)
	_ http.Hijacker = (*responseWriter)(nil)
)

func (w *responseWriter) reset(req *http.Request) {
	clear(w.header)
	*w = responseWriter{c: w.c, req: req, header: w.header, contentLength: -1}
}

func (w *responseWriter) Header() http.Header { return w.header }

// WriteHeader writes the response's head with the framing it needs. An
// informational status (1xx) is written at once and a final one may
// follow.
func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader || w.hijacked {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	bw := w.c.bw
	if code < 200 {
		w.writeHead(bw, code)
		bw.WriteString("\r\n")
		w.failed = bw.Flush() != nil
		return
	}
	w.wroteHeader = true
	w.bodyAllowed = code != http.StatusNoContent && code != http.StatusNotModified
	if v := w.header["Content-Length"]; len(v) > 0 {
		if n, err := strconv.ParseInt(v[0], 10, 64); err == nil && n >= 0 && len(v) == 1 {
			w.contentLength = n
		} else {
			delete(w.header, "Content-Length")
		}
	}
	if w.req.Method == http.MethodHead {
		w.bodyAllowed = false // the length, if any, is the GET's
	}
	if w.bodyAllowed && w.contentLength < 0 {
		if w.req.ProtoAtLeast(1, 1) {
			w.chunked = true
		} else {
			w.closeAfter = true // the body ends with the connection
		}
	}
	if w.req.Close || w.c.s.closed.Load() || hasToken(w.header, "Connection", "close") {
		w.closeAfter = true
	}
	w.writeHead(bw, code)
	if _, ok := w.header["Date"]; !ok {
		bw.WriteString("Date: ")
		bw.WriteString(httpDate())
		bw.WriteString("\r\n")
	}
	if w.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	switch {
	case w.closeAfter:
		bw.WriteString("Connection: close\r\n")
	case w.req.ProtoMinor == 0:
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
}

// writeHead writes the status line and the handler's headers, but for
// the framing ones the writer sets itself. Names that are not tokens are
// left out and line breaks in values become spaces, as net/http does.
func (w *responseWriter) writeHead(bw *bufio.Writer, code int) {
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(strconv.Itoa(code))
	bw.WriteByte(' ')
	if text := http.StatusText(code); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		bw.WriteString(strconv.Itoa(code))
	}
	bw.WriteString("\r\n")
	for k, vv := range w.header {
		if k == "Connection" || k == "Transfer-Encoding" || !validHeaderName(k) {
			continue
		}
		for _, v := range vv {
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\r\n", "  ", "\r", " ", "\n", " ").Replace(v)
			}
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(v)
			bw.WriteString("\r\n")
		}
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyAllowed {
		return 0, http.ErrBodyNotAllowed
	}
	if w.contentLength >= 0 && w.written+int64(len(p)) > w.contentLength {
		return 0, http.ErrContentLength
	}
	if len(p) == 0 {
		return 0, nil
	}
	w.written += int64(len(p))
	bw := w.c.bw
	if w.chunked {
		var b [18]byte
		bw.Write(strconv.AppendInt(b[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
	}
	n, err := bw.Write(p)
	if w.chunked && err == nil {
		_, err = bw.WriteString("\r\n")
	}
	if err != nil {
		w.failed = true
	}
	return n, err
}

// Flush sends what is buffered to the client.
func (w *responseWriter) Flush() { _ = w.FlushError() }

// FlushError sends what is buffered to the client (for
// http.ResponseController).
func (w *responseWriter) FlushError() error {
	if w.hijacked {
		return http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	err := w.c.bw.Flush()
	if err != nil {
		w.failed = true
	}
	return err
}

// Hijack hands the client's connection over: the server forgets it.
// Bytes the client sent beyond the request are in the reader.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	c := w.c
	c.disarm()
	if c.cr.hasByte {
		_, _ = c.br.Peek(c.br.Buffered() + 1) // the watch's byte, into the reader
	}
	if w.wroteHeader {
		if err := c.bw.Flush(); err != nil {
			return nil, nil, err
		}
	}
	w.hijacked = true
	c.s.forget(c)
	return c.nc, bufio.NewReadWriter(c.br, c.bw), nil
}

// finish ends the response; it reports whether the connection may take
// another request.
func (w *responseWriter) finish() bool {
	if !w.wroteHeader {
		if _, ok := w.header["Content-Length"]; !ok {
			w.header["Content-Length"] = []string{"0"}
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.chunked && !w.failed {
		w.c.bw.WriteString("0\r\n\r\n")
	}
	if w.bodyAllowed && w.contentLength >= 0 && w.written != w.contentLength {
		w.closeAfter = true // the client sees the body end short
	}
	if err := w.c.bw.Flush(); err != nil {
		return false
	}
	return !w.closeAfter && !w.failed
}

// dateCache holds the Date header of the current second.
var dateCache atomic.Pointer[cachedDate]

type cachedDate struct {
	sec int64
	s   string
}

// httpDate is now in the Date header's format.
func httpDate() string {
	now := time.Now()
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.sec == sec {
		return d.s
	}
	d := &cachedDate{sec: sec, s: now.UTC().Format(http.TimeFormat)}
	dateCache.Store(d)
	return d.s
}
