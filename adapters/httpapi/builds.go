package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

func (s *Server) deploy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.Deploy(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/builds/"+b.ID.String())
	writeJSON(w, http.StatusAccepted, b)
}

func (s *Server) rollback(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.RollbackInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.Rollback(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/builds/"+b.ID.String())
	writeJSON(w, http.StatusAccepted, b)
}

func (s *Server) listBuilds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	bs, err := s.cfg.Admin.ListBuilds(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"builds": nonNil(bs)})
}

func (s *Server) getBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) cancelBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.CancelBuild(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) buildLogs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	log, err := s.cfg.Admin.BuildLog(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer log.Close()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, log)
}

// pongWait is how long a log stream waits for a client's pong.
const pongWait = 60 * time.Second

// streamBuildLogs sends a build's log over a WebSocket, a message per line
// from line ?from=N (default 0), live until the build ends; then it closes
// the socket normally. Errors before the upgrade are JSON as usual.
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
	conn, ok := s.upgrade(w, r)
	if !ok {
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	// A client that closes, stops answering pings, or sends a bad frame
	// ends the stream.
	_ = conn.SetReadDeadline(time.Now().Add(pongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(pongWait)) })
	go func() {
		defer cancel()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
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
				_ = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second))
			}
		}
	}()
	err = s.cfg.Admin.FollowBuildLog(ctx, principal(r), id, from, func(line string) error {
		_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		return conn.WriteMessage(websocket.TextMessage, []byte(line))
	})
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "build ended")
	if err != nil {
		if ctx.Err() != nil {
			return // the client went away
		}
		s.cfg.Logger.WithError(err).WithField("build", id).Warn("build log stream failed")
		msg = websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "log stream failed")
	}
	_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
}
