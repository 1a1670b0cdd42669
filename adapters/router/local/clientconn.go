package local

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A client connection's states, for Shutdown.
const (
	connIdle    int32 = iota // waiting for a request
	connActive               // reading a request or answering it
	connClosing              // closed by Shutdown while idle
)

// watchAfter is how long a request runs before the client's connection
// is watched for a close (a read of one byte beside the handler), so
// that the target's connection is dropped when the client goes away.
const watchAfter = 100 * time.Millisecond

// maxDiscardBytes is how much of a request body the handler left
// unread is read and dropped to keep the connection (net/http's figure).
const maxDiscardBytes = 256 << 10

var (
	errHeadTooLarge = errors.New("request head too large")
	crlfcrlf        = []byte("\r\n\r\n")
	bufReaders      = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}
	bufWriters      = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
)

// clientConn is one client connection of a Server, served by one
// goroutine, one request at a time.
type clientConn struct {
	s      *Server
	nc     net.Conn
	remote string
	state  atomic.Int32
	cr     clientReader
	br     *bufio.Reader
	bw     *bufio.Writer
	w      responseWriter
	linger bool // the client may still be sending: close gently

	// ctx ends when the watch finds the client gone.
	ctx    context.Context
	cancel context.CancelFunc
	// upstream is the target connection a request waits on, made to fail
	// when the client goes away (see tieToClient).
	upstream atomic.Pointer[conn]

	// The watch: armed while a request runs; a read starts when it is
	// due (watchAfter passed) and the request body is read whole.
	timer    *time.Timer
	mu       sync.Mutex
	cond     sync.Cond
	armed    bool
	due      bool
	bodyDone bool
	watching bool
	aborting bool
}

// clientReader reads the client's connection for the bufio.Reader: it
// caps a request head's size and hands out first the byte a watch read.
type clientReader struct {
	nc      net.Conn
	remain  int64
	hasByte bool
	b       [1]byte
}

func (r *clientReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.hasByte {
		p[0] = r.b[0]
		r.hasByte = false
		return 1, nil
	}
	if r.remain <= 0 {
		return 0, errHeadTooLarge
	}
	if int64(len(p)) > r.remain {
		p = p[:r.remain]
	}
	n, err := r.nc.Read(p)
	r.remain -= int64(n)
	return n, err
}

func newClientConn(s *Server, nc net.Conn) *clientConn {
	c := &clientConn{s: s, nc: nc, remote: nc.RemoteAddr().String()}
	c.cr = clientReader{nc: nc, remain: math.MaxInt64}
	c.cond.L = &c.mu
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.w.c = c
	c.w.header = http.Header{}
	return c
}

// serve reads and answers requests until the client closes, a response
// must end the connection, or the server shuts down.
func (c *clientConn) serve() {
	c.br = bufReaders.Get().(*bufio.Reader)
	c.br.Reset(&c.cr)
	c.bw = bufWriters.Get().(*bufio.Writer)
	c.bw.Reset(c.nc)
	c.timer = time.AfterFunc(time.Hour, c.watchDue)
	c.timer.Stop()
	hijacked := false
	c.linger = false
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			c.s.cfg.Proxy.log.WithField("panic", v).WithField("stack", string(debug.Stack())).Error("router: panic serving a request")
		}
		c.disarm()
		c.cancel()
		c.s.forget(c)
		if hijacked {
			return
		}
		if c.linger {
			c.closeWriteAndDrain()
		}
		c.nc.Close()
		c.br.Reset(nil)
		bufReaders.Put(c.br)
		c.bw.Reset(nil)
		bufWriters.Put(c.bw)
	}()
	for {
		req, ok := c.readRequest()
		if !ok {
			return
		}
		keep := c.answer(req)
		if c.w.hijacked {
			hijacked = true
			return
		}
		if !keep || c.s.closed.Load() {
			return
		}
		c.state.Store(connIdle)
	}
}

// readRequest waits for a request (the idle timeout) and reads its head
// (the header timeout). A request the server cannot take is answered
// here; ok is false when the connection is to be closed.
func (c *clientConn) readRequest() (*http.Request, bool) {
	cfg := &c.s.cfg
	c.cr.remain = int64(cfg.MaxHeaderBytes) + 4096 // what net/http allows
	if c.br.Buffered() == 0 {
		c.nc.SetReadDeadline(time.Now().Add(cfg.IdleTimeout))
		if _, err := c.br.Peek(1); err != nil {
			return nil, false
		}
	}
	if !c.state.CompareAndSwap(connIdle, connActive) {
		return nil, false // closed by Shutdown
	}
	// A head read whole by the first read needs no deadline of its own.
	buffered, _ := c.br.Peek(c.br.Buffered())
	if end := bytes.Index(buffered, crlfcrlf); end >= 0 {
		c.nc.SetReadDeadline(time.Time{})
		if hostLines(buffered[:end]) > 1 {
			// http.ReadRequest would keep the first and hide the rest; two
			// Host headers may route differently in two hops: refused, as
			// net/http's server does.
			c.reject(http.StatusBadRequest)
			return nil, false
		}
	} else {
		c.nc.SetReadDeadline(time.Now().Add(cfg.ReadHeaderTimeout))
	}
	req, err := http.ReadRequest(c.br)
	tooLarge := c.cr.remain <= 0
	c.cr.remain = math.MaxInt64
	c.nc.SetReadDeadline(time.Time{})
	if err != nil {
		var ne net.Error
		switch {
		case tooLarge:
			c.reject(http.StatusRequestHeaderFieldsTooLarge)
		case err == io.EOF || errors.As(err, &ne) || errors.Is(err, net.ErrClosed):
			// The client closed, reset or timed out: nothing to answer.
		default:
			c.reject(http.StatusBadRequest)
		}
		return nil, false
	}
	if status := checkRequest(req); status != 0 {
		c.reject(status)
		return nil, false
	}
	req.RemoteAddr = c.remote
	return req.WithContext(c.ctx), true
}

// checkRequest returns the status that refuses req, or 0: the checks of
// net/http's server that http.ReadRequest leaves to it (a second Host
// header, which http.ReadRequest hides, is refused by hostLines when the
// head came in whole).
func checkRequest(req *http.Request) int {
	if req.ProtoMajor != 1 {
		return http.StatusHTTPVersionNotSupported
	}
	// http.ReadRequest keeps the Host header's first value in req.Host
	// and drops the header.
	if req.Host == "" && req.ProtoAtLeast(1, 1) && req.Method != http.MethodConnect || !validHost(req.Host) {
		return http.StatusBadRequest
	}
	for k := range req.Header {
		if !validHeaderName(k) { // textproto lets names with spaces through
			return http.StatusBadRequest
		}
	}
	if e := req.Header["Expect"]; len(e) > 0 && !(len(e) == 1 && strings.EqualFold(e[0], "100-continue")) {
		return http.StatusExpectationFailed
	}
	return 0
}

// reject answers a request the server does not take, and the connection
// closes afterwards.
func (c *clientConn) reject(status int) {
	c.linger = true
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	text := http.StatusText(status)
	c.bw.WriteString("HTTP/1.1 ")
	c.bw.WriteString(itoa3(status))
	c.bw.WriteString(" " + text + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")
	c.bw.WriteString(itoa3(status) + " " + text)
	c.bw.Flush()
}

// answer hands req to the proxy and finishes its response; it reports
// whether the connection may take another request.
func (c *clientConn) answer(req *http.Request) bool {
	var body *requestBody
	if req.Body != nil && req.Body != http.NoBody {
		body = &requestBody{c: c, rc: req.Body, left: req.ContentLength,
			expect: req.ProtoAtLeast(1, 1) && len(req.Header["Expect"]) > 0}
		req.Body = body
	}
	c.w.reset(req)
	c.arm(body == nil)
	c.s.cfg.Proxy.ServeHTTP(&c.w, req)
	c.disarm()
	if c.w.hijacked {
		return false
	}
	keep := c.w.finish()
	if body != nil && !body.done {
		// A body the client was not told to send (no 100 Continue) may or
		// may not come: the connection ends.
		if keep && !(body.expect && !body.continued) {
			_, _ = io.CopyN(io.Discard, body, maxDiscardBytes)
		}
		keep = keep && body.done
		c.linger = !body.done // the client may still be sending it
	}
	return keep && c.ctx.Err() == nil
}

// closeWriteAndDrain ends the server's side of a connection the client
// may still be writing to (a body left unread), then reads what comes
// for a while: closing with unread data would reset the connection, and
// the client could lose the response with it.
func (c *clientConn) closeWriteAndDrain() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, _ = io.CopyN(io.Discard, c.nc, 4<<20)
}

// arm starts the watch's clock for a request; bodyDone tells whether the
// request has no body left to read.
func (c *clientConn) arm(bodyDone bool) {
	c.mu.Lock()
	c.armed, c.due, c.bodyDone = true, false, bodyDone
	c.mu.Unlock()
	c.timer.Reset(watchAfter)
}

// watchDue runs when a request has run for watchAfter.
func (c *clientConn) watchDue() {
	c.mu.Lock()
	c.due = true
	start := c.startWatch()
	c.mu.Unlock()
	if start {
		c.watch()
	}
}

// bodyRead is called when the request body has been read whole.
func (c *clientConn) bodyRead() {
	c.mu.Lock()
	c.bodyDone = true
	start := c.startWatch()
	c.mu.Unlock()
	if start {
		go c.watch()
	}
}

// startWatch reports whether a watch read is to start now (c.mu held).
func (c *clientConn) startWatch() bool {
	if !c.armed || !c.due || !c.bodyDone || c.watching || c.cr.hasByte {
		return false
	}
	c.watching = true
	return true
}

// watch reads one byte of the client's connection while the request
// runs: a close or an error there means the client went away, and
// whatever the request waits on is made to fail. A byte read (the next
// pipelined request) is kept for the reader.
func (c *clientConn) watch() {
	n, err := c.nc.Read(c.cr.b[:])
	c.mu.Lock()
	if n == 1 {
		c.cr.hasByte = true
	}
	if err != nil && !c.aborting {
		c.cancel()
		if u := c.upstream.Swap(nil); u != nil {
			u.SetDeadline(past)
		}
	}
	c.watching = false
	c.cond.Broadcast()
	c.mu.Unlock()
}

// disarm ends the watch of a request: a read in progress is cut short
// and waited for.
func (c *clientConn) disarm() {
	c.timer.Stop()
	c.mu.Lock()
	c.armed = false
	aborted := false
	for c.watching {
		if !aborted {
			c.aborting, aborted = true, true
			c.nc.SetReadDeadline(past)
		}
		c.cond.Wait()
	}
	c.aborting = false
	c.mu.Unlock()
	if aborted {
		c.nc.SetReadDeadline(time.Time{})
	}
}

// tieToClient makes c fail as soon as the client of the request w
// answers is gone: through the Server's watch, or for any other server
// through the request's context. untie reports whether c was left
// alone, so that it may go back to the pool.
func tieToClient(w http.ResponseWriter, ctx context.Context, c *conn) tie {
	if rw, ok := w.(*responseWriter); ok {
		rw.c.upstream.Store(c)
		if ctx.Err() != nil { // gone before the store was seen
			c.SetDeadline(past)
		}
		return tie{cc: rw.c, c: c}
	}
	return tie{stop: context.AfterFunc(ctx, func() { c.SetDeadline(past) })}
}

// tie is what tieToClient set up.
type tie struct {
	cc   *clientConn
	c    *conn
	stop func() bool
}

func (t tie) untie() bool {
	if t.cc != nil {
		return t.cc.upstream.CompareAndSwap(t.c, nil) && t.cc.ctx.Err() == nil
	}
	return t.stop()
}

// requestBody is a request's body as the proxy reads it: it sends
// `100 Continue` before the first read when the client asked for it, and
// tells the connection when the body has been read whole.
type requestBody struct {
	c         *clientConn
	rc        io.ReadCloser
	left      int64 // bytes still to come when the length is known
	expect    bool
	continued bool
	done      bool
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	if b.expect && !b.continued {
		b.continued = true
		b.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := b.c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	n, err := b.rc.Read(p)
	if b.left > 0 {
		b.left -= int64(n)
	}
	if err == io.EOF || err == nil && b.left == 0 && n > 0 {
		b.done = true
		b.c.bodyRead()
	}
	return n, err
}

func (b *requestBody) Close() error { return nil }

// validHost reports whether h has only bytes a Host header may hold
// (net/http's lenient check: those of a host, a port, an IPv6 literal
// and its zone).
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!$%&'()*+,-.:;=[]_~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderName reports whether k is a token (RFC 9110).
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isTokenByte(k[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// itoa3 formats a 3-digit status code.
func itoa3(code int) string {
	return string([]byte{byte('0' + code/100), byte('0' + code/10%10), byte('0' + code%10)})
}

// hostLines counts the Host header lines of a request head.
func hostLines(head []byte) int {
	n := 0
	for _, line := range bytes.Split(head, []byte("\r\n"))[1:] {
		if len(line) >= 5 && bytes.EqualFold(line[:5], []byte("host:")) {
			n++
		}
	}
	return n
}
