package local

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"
)

// conn is one HTTP/1.1 connection to a target. It is used by one request
// at a time, on that request's goroutine.
type conn struct {
	net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	target string
	reused bool      // served a request before this one
	nread  int64     // bytes read since the request was written
	idleAt time.Time // when it went back to the pool
}

// Read counts the bytes read, so that a failure can tell whether the
// target had begun to answer.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.nread += int64(n)
	return n, err
}

// targetPool holds the idle connections to one target, newest last.
type targetPool struct {
	mu   sync.Mutex
	idle []*conn
}

// pools keeps idle connections per target.
type pools struct {
	dialer  net.Dialer
	maxIdle int
	idleFor time.Duration // an idle connection older than this is closed
	m       sync.Map      // target → *targetPool
	stop    chan struct{}
	once    sync.Once
}

func newPools(dialTimeout, idleTimeout time.Duration, maxIdle int) *pools {
	return &pools{
		dialer:  net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second},
		maxIdle: maxIdle,
		idleFor: idleTimeout,
		stop:    make(chan struct{}),
	}
}

// probeAfter is how long a connection may sit idle before it is checked
// for a close by the target when taken from the pool (a read that would
// block, not a round trip); busier connections are taken unchecked.
const probeAfter = 250 * time.Millisecond

// get returns an idle connection to target, or dials one.
func (p *pools) get(ctx context.Context, target string) (*conn, error) {
	if v, ok := p.m.Load(target); ok {
		tp := v.(*targetPool)
		now := time.Now()
		for {
			tp.mu.Lock()
			n := len(tp.idle)
			if n == 0 {
				tp.mu.Unlock()
				break
			}
			c := tp.idle[n-1]
			tp.idle[n-1] = nil
			tp.idle = tp.idle[:n-1]
			tp.mu.Unlock()
			idle := now.Sub(c.idleAt)
			if idle > p.idleFor || (idle > probeAfter && !alive(c.Conn)) {
				c.Close()
				continue
			}
			c.reused = true
			return c, nil
		}
	}
	return p.dial(ctx, target)
}

// dial opens a new connection to target, not from the pool.
func (p *pools) dial(ctx context.Context, target string) (*conn, error) {
	nc, err := p.dialer.DialContext(ctx, "tcp", target)
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, target: target}
	c.br = bufio.NewReaderSize(c, 4096)
	c.bw = bufio.NewWriterSize(nc, 4096)
	return c, nil
}

// put returns c to its target's pool, or closes it when the pool is full.
func (p *pools) put(c *conn) {
	p.once.Do(func() { go p.sweep() })
	v, ok := p.m.Load(c.target)
	if !ok {
		v, _ = p.m.LoadOrStore(c.target, &targetPool{})
	}
	tp := v.(*targetPool)
	c.idleAt = time.Now()
	tp.mu.Lock()
	if len(tp.idle) >= p.maxIdle {
		tp.mu.Unlock()
		c.Close()
		return
	}
	tp.idle = append(tp.idle, c)
	tp.mu.Unlock()
}

// sweep closes connections idle for longer than idleFor, so that the
// connections to a target that is gone (a swapped route) do not linger.
func (p *pools) sweep() {
	t := time.NewTicker(p.idleFor)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.closeIdle(0)
			return
		case <-t.C:
			p.closeIdle(p.idleFor)
		}
	}
}

// closeIdle closes the connections idle for longer than age (0: all).
func (p *pools) closeIdle(age time.Duration) {
	now := time.Now()
	p.m.Range(func(_, v any) bool {
		tp := v.(*targetPool)
		tp.mu.Lock()
		keep := tp.idle[:0]
		for _, c := range tp.idle {
			if age > 0 && now.Sub(c.idleAt) <= age {
				keep = append(keep, c)
			} else {
				c.Close()
			}
		}
		for i := len(keep); i < len(tp.idle); i++ {
			tp.idle[i] = nil
		}
		tp.idle = keep
		tp.mu.Unlock()
		return true
	})
}

func (p *pools) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.closeIdle(0)
}
