package objectstoretest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// seaweedFSStart bounds the wait for SeaweedFS's S3 gateway to answer.
const seaweedFSStart = 2 * time.Minute

// startSeaweedFS runs `weed server` with its master, volume server, filer
// and S3 gateway bound to loopback ports, data in a folder of dir and
// telemetry off, and waits until the S3 gateway serves bucket creation.
func startSeaweedFS(weed, dir string) (*S3, error) {
	data := filepath.Join(dir, "seaweedfs")
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	ports, err := freePortPairs(4)
	if err != nil {
		return nil, err
	}
	master, volume, filer, s3port := ports[0], ports[1], ports[2], ports[3]
	args := []string{"server",
		"-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port=" + strconv.Itoa(master), "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
		"-volume.port=" + strconv.Itoa(volume), "-volume.max=0",
		"-filer", "-filer.port=" + strconv.Itoa(filer),
		"-s3", "-s3.port=" + strconv.Itoa(s3port), "-s3.port.iceberg=0", "-s3.port.lance=0",
	}
	cmd := exec.Command(weed, args...)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", s3port)
	s := &S3{Name: "seaweedfs", Endpoint: endpoint, client: newS3Client(endpoint), stop: stop}
	if err := waitS3(s, exited); err != nil {
		stop()
		return nil, fmt.Errorf("%w\nweed output:\n%s", err, out.String())
	}
	return s, nil
}

// waitS3 creates and deletes a bucket until the gateway does both, the
// process exits or seaweedFSStart passes.
func waitS3(s *S3, exited <-chan error) error {
	deadline := time.Now().Add(seaweedFSStart)
	var last error
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("weed exited before its S3 gateway was ready: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		last = s.probe(ctx)
		cancel()
		if last == nil {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("the S3 gateway was not ready after %s: %v", seaweedFSStart, last)
}

// freePortPairs returns n loopback ports, each free a moment ago together
// with the port 10000 above it (SeaweedFS's gRPC port for each server).
func freePortPairs(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for tries := 0; len(ports) < n && tries < 200; tries++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		held = append(held, l)
		p := l.Addr().(*net.TCPAddr).Port
		if p+10000 > 65535 {
			continue
		}
		g, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			continue
		}
		held = append(held, g)
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, errors.New("found no free loopback ports with free gRPC ports 10000 above")
	}
	return ports, nil
}

// lockedBuffer collects a process's output for error messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil // keep the start, where start-up errors are
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
