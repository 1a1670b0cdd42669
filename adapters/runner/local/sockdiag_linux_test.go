package local

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// socketInode is the inode of a listener's socket.
func socketInode(t *testing.T, ln net.Listener) string {
	t.Helper()
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	defer f.Close()
	link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, "socket:["), link)
	return strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")
}

// TestListeningSocketsFindsTheListenerOfAPort: sock_diag finds the
// listening socket of a port, IPv4 and IPv6, as /proc/net/tcp does, and
// nothing on a port no one listens on (a connection to a listener, in
// the same port's other direction, is not a listener).
func TestListeningSocketsFindsTheListenerOfAPort(t *testing.T) {
	t.Parallel()
	for _, network := range []string{"tcp4", "tcp6"} {
		addr := "127.0.0.1:0"
		if network == "tcp6" {
			addr = "[::1]:0"
		}
		ln, err := net.Listen(network, addr)
		if network == "tcp6" && err != nil {
			t.Logf("no IPv6 loopback here: %v", err)
			continue
		}
		require.NoError(t, err)
		defer ln.Close()
		c, err := net.Dial(network, ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		port := ln.Addr().(*net.TCPAddr).Port
		got, err := listeningSockets(port)
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{socketInode(t, ln): true}, got, network)
		assert.Equal(t, listeningInodesProc(port), got, "%s: as /proc/net/tcp says", network)

		client := c.LocalAddr().(*net.TCPAddr).Port
		got, err = listeningSockets(client)
		require.NoError(t, err)
		assert.Empty(t, got, "%s: the client's port has no listener", network)
	}
}
