package local

import (
	"context"
	"time"
)

// Wait returns how p ended, once it has: its exit status when this
// process started it, else "exited" once its PID is gone or belongs to
// another process. It returns ctx's error if ctx ends first.
func (s *Servers) Wait(ctx context.Context, p Process) (string, error) {
	s.mu.Lock()
	c, ok := s.children[p.PID]
	s.mu.Unlock()
	if ok && c.startTime == p.StartTime {
		select {
		case <-c.done:
			return c.state.String(), nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		if !s.Alive(p) {
			return "exited (started before this admin: status unknown)", nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-t.C:
		}
	}
}
