// Package browsertest drives Debian's chromium from Go tests through
// chromedp. Tests skip with a reason where chromium is absent; CI sets
// LOBANG_REQUIRE_BROWSER=1 so that a missing browser fails instead.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser is one headless chromium tab with what it logged.
type Browser struct {
	Ctx context.Context

	mu       sync.Mutex
	problems []string
}

// Problems returns console errors, uncaught exceptions and CSP violations
// the page produced so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

func (b *Browser) note(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, s)
}

func execPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a fresh headless chromium (its own profile) and returns a tab,
// with JavaScript enabled or disabled. The browser closes when the test ends.
func New(t *testing.T, javascript bool) *Browser {
	t.Helper()
	path := execPath()
	if path == "" {
		if os.Getenv("LOBANG_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is required (LOBANG_REQUIRE_BROWSER is set) but not installed")
		}
		t.Skip("chromium not installed: apt-get install chromium (.ci/run does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	b := &Browser{Ctx: ctx}
	// Open the tab, then subscribe to its console before any page loads.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.note(string(m.Type) + ": " + m.Text)
			}
		}
	}()
	if !javascript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable javascript: %v", err)
		}
	}
	return b
}

// Do runs chromedp actions in the tab and fails the test on error.
func (b *Browser) Do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatalf("browser: %v\nproblems: %v", err, b.Problems())
	}
}

// Get runs one action that returns a value and fails the test on error.
func Get[T any](t *testing.T, b *Browser, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, a)
	if err != nil {
		t.Fatalf("browser: %v\nproblems: %v", err, b.Problems())
	}
	return v
}
