package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// Timings of a log stream.
const (
	// pongWait is how long a log stream waits for any sign of its client
	// (a pong, or a message) before it ends the stream.
	pongWait = 60 * time.Second
	// writeWait bounds one write to a log stream's client.
	writeWait = 10 * time.Second
)

// LogStreamProtocol is the WebSocket subprotocol of a log stream in frames
// (the dashboard's): JSON text messages, each a LogFrame. The server sends
// {"type":"lines","from":N,"lines":[…]} (lines N, N+1, … in order; one
// frame carries up to maxFrameLines lines), {"type":"pong"} for every
// {"type":"ping"} the client sends (so a client can tell a quiet stream
// from a dead connection), and once the build ended and the whole log was
// sent, {"type":"end","status":…,"next":N} (N: the log's line count) and a
// normal close. A client without the subprotocol gets one text message per
// line and the close.
const LogStreamProtocol = "mastra-admin.build-log.v1"

// LogFrame is one message of a log stream in frames, as a client decodes
// it: Type is lines (From, Lines), pong, or end (Status, Next).
type LogFrame struct {
	Type   string   `json:"type"`
	From   int      `json:"from"`
	Lines  []string `json:"lines"`
	Status string   `json:"status"`
	Next   int      `json:"next"`
}

// The frames the server sends, each with its own fields.
type (
	linesFrame struct {
		Type  string   `json:"type"`
		From  int      `json:"from"`
		Lines []string `json:"lines"`
	}
	endFrame struct {
		Type   string `json:"type"`
		Status string `json:"status"`
		Next   int    `json:"next"`
	}
	pongFrame struct {
		Type string `json:"type"`
	}
)

// maxFrameLines bounds the lines of one frame.
const maxFrameLines = 1000

// streamBuildLogs sends a build's log over a WebSocket from line ?from=N
// (default 0), live until the build ends; then it closes the socket
// normally. Errors before the upgrade are JSON as usual.
func (s *Server) streamBuildLogs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	from := 0
	if v := r.URL.Query().Get("from"); v != "" {
		if from, err = strconv.Atoi(v); err != nil || from < 0 {
			writeError(w, r, domain.Errorf(domain.KindInvalid, "from must be a line number (0 or more), got %q", v))
			return
		}
	}
	if _, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		writeError(w, r, domain.Errorf(domain.KindInvalid, "this route is a WebSocket: connect with Upgrade: websocket, or GET /api/builds/%s/logs for the log so far", id))
		return
	}
	conn, ok := s.upgrade(w, r, LogStreamProtocol)
	if !ok {
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	ls := &logStream{s: s, conn: conn, p: principal(r), id: id, from: from, pings: make(chan struct{}, 1)}
	framed := conn.Subprotocol() == LogStreamProtocol
	// A client that closes, stops answering pings, or sends a bad frame
	// ends the stream; any message it sends shows it is there.
	alive := func() error { return conn.SetReadDeadline(time.Now().Add(pongWait)) }
	_ = alive()
	conn.SetPongHandler(func(string) error { return alive() })
	go func() {
		defer cancel()
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			_ = alive()
			var f LogFrame
			if framed && json.Unmarshal(msg, &f) == nil && f.Type == "ping" {
				select {
				case ls.pings <- struct{}{}:
				default: // a pong is on its way
				}
			}
		}
	}()
	go func() {
		t := time.NewTicker(pongWait / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
			}
		}
	}()
	if framed {
		err = ls.frames(ctx, cancel)
	} else {
		err = s.cfg.Admin.FollowBuildLog(ctx, ls.p, id, from, func(line string) error {
			_ = conn.SetWriteDeadline(time.Now().Add(writeWait))
			return conn.WriteMessage(websocket.TextMessage, []byte(line))
		})
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "build ended")
	if err != nil {
		if ctx.Err() != nil {
			return // the client went away
		}
		s.cfg.Logger.WithError(err).WithField("build_id", id).Warn("build log stream failed")
		msg = websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "log stream failed")
	}
	_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
}

// logStream is one client's log stream.
type logStream struct {
	s     *Server
	conn  *websocket.Conn
	p     commands.Principal
	id    uuid.UUID
	from  int
	pings chan struct{} // the client's pings, to answer
}

// frames sends the log in frames, and the end frame once the build ended.
// Lines pass through a buffer to one writer, which sends what has piled
// up as one frame: a log read from storage goes out in few large frames,
// a live one line by line as it comes.
func (ls *logStream) frames(ctx context.Context, cancel context.CancelFunc) error {
	lines := make(chan string, 4*maxFrameLines)
	written := make(chan error, 1)
	next := ls.from
	go func() {
		err := ls.write(ctx, lines, &next)
		if err != nil {
			cancel()
		}
		written <- err
	}()
	err := ls.s.cfg.Admin.FollowBuildLog(ctx, ls.p, ls.id, ls.from, func(line string) error {
		select {
		case lines <- line:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(lines)
	if werr := <-written; werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	status := ""
	if b, err := ls.s.cfg.Admin.GetBuild(ctx, ls.p, ls.id); err == nil {
		status = string(b.Status)
	}
	return ls.send(endFrame{Type: "end", Status: status, Next: next})
}

// write sends the lines as frames, and a pong for each ping, until lines
// is closed and drained; *next is the number of the line after the last
// one sent.
func (ls *logStream) write(ctx context.Context, lines <-chan string, next *int) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ls.pings:
			if err := ls.send(pongFrame{Type: "pong"}); err != nil {
				return err
			}
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			batch := []string{l}
		more:
			for len(batch) < maxFrameLines {
				select {
				case l, ok := <-lines:
					if !ok {
						break more
					}
					batch = append(batch, l)
				default:
					break more
				}
			}
			if err := ls.send(linesFrame{Type: "lines", From: *next, Lines: batch}); err != nil {
				return err
			}
			*next += len(batch)
		}
	}
}

// send writes one frame.
func (ls *logStream) send(f any) error {
	b, err := json.Marshal(f) // invalid UTF-8 in a line becomes U+FFFD: a browser drops a socket over it
	if err != nil {
		return err
	}
	_ = ls.conn.SetWriteDeadline(time.Now().Add(writeWait))
	return ls.conn.WriteMessage(websocket.TextMessage, b)
}
