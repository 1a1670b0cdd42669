package chtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
)

// Server is a clickhouse-server of one test's own. It keeps its data in
// the test's temporary folder across Stop and Start, on the same ports.
type Server struct {
	t      testing.TB
	dir    string
	tcp    int
	http   int
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	bin    string
	stderr *os.File
}

// StartServer starts a server for the test, stopped when the test ends.
// The test is skipped when clickhouse-server is not installed.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("clickhouse-server")
	if err != nil {
		for _, p := range []string{"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skip("clickhouse-server is not installed (apt-get install clickhouse-server; scripts/lib.sh's ensure_clickhouse does it)")
	}
	s := &Server{t: t, dir: t.TempDir(), bin: bin, tcp: freePort(t), http: freePort(t)}
	require.NoError(t, os.WriteFile(filepath.Join(s.dir, "config.xml"), []byte(s.config()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(s.dir, "users.xml"), []byte(usersXML), 0o644))
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// Config is the server's settings (without a database).
func (s *Server) Config() clickhouse.Config {
	return clickhouse.Config{Addr: "127.0.0.1:" + strconv.Itoa(s.tcp), HTTPURL: "http://127.0.0.1:" + strconv.Itoa(s.http)}
}

// Start starts the server (again) and waits until both ports answer.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(s.t, err)
	cmd := exec.Command(s.bin, "--config-file="+filepath.Join(s.dir, "config.xml"))
	cmd.Dir, cmd.Stdout, cmd.Stderr = s.dir, log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(s.t, cmd.Start())
	_ = log.Close()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	deadline := time.Now().Add(30 * time.Second)
	for !(reachable(s.Config().Addr) && reachable("127.0.0.1:"+strconv.Itoa(s.http))) {
		select {
		case <-exited:
			out, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			s.t.Fatalf("clickhouse-server exited on start: %s", tail(out))
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("clickhouse-server did not answer within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop stops the server (SIGTERM, then SIGKILL after 10 s) and waits
// until it has exited. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
	s.cmd = nil
}

// NewStore opens a fresh migrated database on this server (see NewOn).
func (s *Server) NewStore(t testing.TB, edit func(*clickhouse.Config)) *clickhouse.Store {
	t.Helper()
	cfg := s.Config()
	if edit != nil {
		edit(&cfg)
	}
	return NewOn(t, cfg)
}

func (s *Server) config() string {
	return fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>%d</tcp_port>
  <http_port>%d</http_port>
  <path>%[3]s/data/</path>
  <tmp_path>%[3]s/tmp/</tmp_path>
  <user_files_path>%[3]s/user_files/</user_files_path>
  <format_schema_path>%[3]s/format_schemas/</format_schema_path>
  <mark_cache_size>16777216</mark_cache_size>
  <uncompressed_cache_size>16777216</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
`, s.tcp, s.http, s.dir)
}

const usersXML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
