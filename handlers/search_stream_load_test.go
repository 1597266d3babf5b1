//go:build streamload

package handlers

// The streams load test holds many result streams open on one running
// Lobang and reports the server's memory. It is not part of the default
// test run. Start a server whose search stays incomplete for a while, then
// point the test at it:
//
//	go build -o /tmp/lobang ./cmd/lobang
//	LOBANG_ADDR=127.0.0.1:18080 LOBANG_SIM_WGL_LATENCY_MS=120000 \
//	  LOBANG_SUPPLIER_DEADLINE=3m /tmp/lobang &
//	LOBANG_LOAD_URL=http://127.0.0.1:18080 LOBANG_LOAD_PID=$! \
//	  go test -tags streamload -run TestStreamsLoad -v ./handlers/

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"
)

func TestStreamsLoad(t *testing.T) {
	base := os.Getenv("LOBANG_LOAD_URL")
	pid := os.Getenv("LOBANG_LOAD_PID")
	if base == "" || pid == "" {
		t.Skip("set LOBANG_LOAD_URL and LOBANG_LOAD_PID")
	}
	n := 1000
	if v := os.Getenv("LOBANG_LOAD_STREAMS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0, DisableCompression: true}}

	in := time.Now().UTC().AddDate(0, 0, 90)
	page := base + "/search?destination=i8gS&checkin=" + in.Format(time.DateOnly) +
		"&checkout=" + in.AddDate(0, 0, 2).Format(time.DateOnly) + "&rooms=1&adults=2"
	resp, err := client.Get(page)
	require.NoError(t, err)
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	stream := doc.Find(`[data-testid="results-live"]`).AttrOr("hx-sse:connect", "")
	require.NotEmpty(t, stream, "the search must still be running (slow down a supplier)")
	before := vmRSS(t, pid)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var open, failed, bytesRead atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+stream, nil)
			if err != nil {
				failed.Add(1)
				return
			}
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
				return
			}
			defer resp.Body.Close()
			open.Add(1)
			buf := make([]byte, 4096)
			for {
				k, err := resp.Body.Read(buf)
				bytesRead.Add(int64(k))
				if err != nil {
					return
				}
			}
		})
	}
	for open.Load()+failed.Load() < int64(n) && time.Since(start) < time.Minute {
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d streams open, %d failed, in %s", open.Load(), failed.Load(), time.Since(start).Round(time.Millisecond))
	time.Sleep(5 * time.Second)
	during := vmRSS(t, pid)
	t.Logf("server VmRSS: %d MB before, %d MB with %d open streams (%.1f KB per stream); %d bytes read", before/1024, during/1024, open.Load(), float64(during-before)/float64(max(1, open.Load())), bytesRead.Load())
	time.Sleep(20 * time.Second)
	t.Logf("server VmRSS after 25 s idle: %d MB", vmRSS(t, pid)/1024)
	require.Zero(t, failed.Load())
	cancel()
	wg.Wait()
}

// vmRSS reads a process's resident set size in kB.
func vmRSS(t *testing.T, pid string) int64 {
	t.Helper()
	raw, err := os.ReadFile("/proc/" + pid + "/status")
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			require.NoError(t, err)
			return kb
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
