package local_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

func TestTargetSwapUnderLoadFailsNoRequest(t *testing.T) {
	t.Parallel()
	var hits [2]atomic.Int64
	targets := [2]string{}
	for i := range targets {
		targets[i] = backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "server %d", i)
		}))
	}
	rt := newRouter(t, local.Config{})
	r := route("app", targets[0])
	require.NoError(t, rt.table.Set(r))

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	stop := make(chan struct{})
	var failures, served atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", rt.url+"/app/x", nil)
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || (string(b) != "server 0" && string(b) != "server 1") {
					failures.Add(1)
					continue
				}
				served.Add(1)
			}
		}()
	}
	for i := 0; i < 200; i++ {
		r.Target = targets[(i+1)%2]
		require.NoError(t, rt.table.Set(r))
		// Let some requests through before the next swap.
		for n := served.Load(); served.Load() < n+5; {
			time.Sleep(100 * time.Microsecond)
		}
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, failures.Load(), "failed requests during the swaps")
	assert.Positive(t, hits[0].Load())
	assert.Positive(t, hits[1].Load())
}
