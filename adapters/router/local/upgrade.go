package local

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// upgrade forwards a request that asks to switch protocols (WebSocket) on
// a connection of its own. When the target switches, both connections are
// hijacked and spliced both ways until either side closes.
func (p *Proxy) upgrade(w http.ResponseWriter, r *http.Request, route Route, uri string, prefix bool, proto string) {
	ctx := r.Context()
	c, err := p.pools.dial(ctx, route.Target)
	if err != nil {
		p.logFailure(route, err)
		writeFailure(w, r, errBadGateway)
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(p.handshakeTimeout()))
	resp, err := p.roundTrip(c, r, route, uri, prefix, proto)
	if err != nil {
		if errors.Is(err, errClientBody) || ctx.Err() != nil {
			panic(http.ErrAbortHandler)
		}
		p.logFailure(route, err)
		writeFailure(w, r, errBadGateway)
		return
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		c.SetDeadline(time.Time{})
		if _, broken := p.relay(w, resp); broken {
			panic(http.ErrAbortHandler)
		}
		return
	}
	if !strings.EqualFold(resp.Header.Get("Upgrade"), proto) {
		p.logFailure(route, errors.New("the target switched to "+resp.Header.Get("Upgrade")+", not "+proto))
		writeFailure(w, r, errBadGateway)
		return
	}
	c.SetDeadline(time.Time{})
	client, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.logFailure(route, err)
		writeFailure(w, r, errBadGateway)
		return
	}
	defer client.Close()
	// The 101 head, with the target's end-to-end headers.
	h := http.Header{}
	copyResponseHeader(h, resp.Header)
	bw := brw.Writer
	bw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ")
	bw.WriteString(resp.Header.Get("Upgrade"))
	bw.WriteString("\r\n")
	if err := h.Write(bw); err != nil {
		return
	}
	bw.WriteString("\r\n")
	// Bytes either side sent early, already buffered, go first.
	if err := drainTo(bw, c.br); err != nil {
		return
	}
	if err := bw.Flush(); err != nil {
		return
	}
	if err := drainTo(c.bw, brw.Reader); err != nil {
		return
	}
	if err := c.bw.Flush(); err != nil {
		return
	}
	splice(client, c.Conn)
}

// drainTo writes what br holds buffered to w.
func drainTo(w io.Writer, br *bufio.Reader) error {
	n := br.Buffered()
	if n == 0 {
		return nil
	}
	b, _ := br.Peek(n)
	_, err := w.Write(b)
	return err
}

// splice copies a to b and b to a until either direction ends, then
// closes both (io.Copy between TCP connections uses splice(2)).
func splice(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(a, b); done <- struct{}{} }()
	go func() { _, _ = io.Copy(b, a); done <- struct{}{} }()
	<-done
	a.Close()
	b.Close()
	<-done
}

// handshakeTimeout bounds an upgrade's handshake with the target.
func (p *Proxy) handshakeTimeout() time.Duration {
	if p.cfg.ResponseHeaderTimeout > 0 {
		return p.cfg.ResponseHeaderTimeout
	}
	return 30 * time.Second
}
