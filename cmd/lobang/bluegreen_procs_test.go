package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/stretchr/testify/require"
)

// The processes of the blue/green rehearsal: the lobang binary built once,
// run as real processes (simulator, migrations, blue, green), and nginx as
// the load balancer in front.

// buildLobang builds the production binary (-tags noembed, as the image
// does) of the code under test into a temporary directory.
func buildLobang(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "lobang")
	cmd := exec.Command(goBin, "build", "-tags", "noembed", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	return bin
}

// proc is one lobang process with its output in a file.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // set before done closes
}

// startProc runs bin with args and exactly env (plus PATH and HOME); its
// stdout and stderr go to <dir>/<name>.log. The process is killed at the
// end of the test if it still runs.
func startProc(t *testing.T, dir, name, bin string, env map[string]string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	require.NoError(t, err)
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr, p.cmd.Dir = f, f, dir
	require.NoError(t, p.cmd.Start(), "start %s", name)
	go func() {
		p.err = p.cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Logf("stop %s: %v", name, err)
		}
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			t.Logf("%s ignored SIGTERM; killing it", name)
			if err := p.cmd.Process.Kill(); err != nil {
				t.Logf("kill %s: %v", name, err)
			}
			<-p.done
		}
	})
	return p
}

// runProc runs bin to completion and returns its output; it fails the
// test on a non-zero exit.
func runProc(t *testing.T, dir, name, bin string, env map[string]string, args ...string) string {
	t.Helper()
	p := startProc(t, dir, name, bin, env, args...)
	select {
	case <-p.done:
	case <-time.After(5 * time.Minute):
		t.Fatalf("%s did not finish\n%s", name, p.tail())
	}
	require.NoError(t, p.err, "%s\n%s", name, p.tail())
	out, err := os.ReadFile(p.log)
	require.NoError(t, err)
	return string(out)
}

// tail returns the last lines of the process's output, for failure messages.
func (p *proc) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return "--- " + p.name + " ---\n" + strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// stop sends SIGTERM and waits for the exit.
func (p *proc) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
		return p.err
	case <-time.After(within):
		t.Fatalf("%s did not exit within %s of SIGTERM\n%s", p.name, within, p.tail())
		return nil
	}
}

// waitStatus polls url until it answers want, or fails the test after
// within (a generous bound: it only catches a process that never comes up).
func waitStatus(t *testing.T, p *proc, url string, want int, within time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(within)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if p != nil {
			select {
			case <-p.done:
				t.Fatalf("%s exited: %v\n%s", p.name, p.err, p.tail())
			default:
			}
		}
		if time.Now().After(deadline) {
			msg := ""
			if p != nil {
				msg = p.tail()
			}
			t.Fatalf("%s did not answer %d within %s (last error %v)\n%s", url, want, within, err, msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePort returns a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// balancer is nginx in front of one colour at a time.
type balancer struct {
	t    *testing.T
	bin  string
	dir  string
	conf string
	port int
	URL  string
	tmpl *template.Template
	cmd  *exec.Cmd
	done chan struct{}
}

// nginxBinary is where Debian's nginx lives; it skips the test where nginx
// is missing unless LOBANG_REQUIRE_NGINX is set (CI), where it fails.
func nginxBinary(t *testing.T) string {
	t.Helper()
	const path = "/usr/sbin/nginx"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("LOBANG_REQUIRE_NGINX") != "" {
			t.Fatalf("nginx is required (LOBANG_REQUIRE_NGINX is set) but %s is missing", path)
		}
		t.Skip("nginx not installed: apt-get install nginx-light (.ci/run does)")
	}
	return path
}

// startBalancer runs nginx on port with colour's upstream.
func startBalancer(t *testing.T, bin string, port int, colour, upstream string) *balancer {
	t.Helper()
	dir := t.TempDir()
	b := &balancer{t: t, bin: bin, dir: dir, conf: filepath.Join(dir, "nginx.conf"), port: port,
		URL: "http://127.0.0.1:" + strconv.Itoa(port), done: make(chan struct{}),
		tmpl: template.Must(template.ParseFiles(filepath.Join("testdata", "bluegreen", "nginx.conf.tmpl")))}
	b.write(colour, upstream)
	b.cmd = exec.Command(bin, "-p", dir, "-c", b.conf, "-e", filepath.Join(dir, "error.log"))
	b.cmd.Stdout, b.cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, b.cmd.Start())
	go func() {
		if err := b.cmd.Wait(); err != nil {
			t.Logf("nginx ended: %v", err)
		}
		close(b.done)
	}()
	t.Cleanup(func() {
		if err := b.cmd.Process.Signal(os.Interrupt); err != nil { // fast shutdown
			t.Logf("stop nginx: %v", err)
		}
		<-b.done
	})
	b.waitColour(colour)
	return b
}

func (b *balancer) write(colour, upstream string) {
	userLine := ""
	if os.Getuid() == 0 {
		// As root nginx would run its workers as nobody, who cannot write here.
		if u, err := user.Current(); err == nil {
			userLine = "user " + u.Username + ";"
		}
	}
	var buf bytes.Buffer
	require.NoError(b.t, b.tmpl.Execute(&buf, map[string]any{
		"UserLine": userLine, "Dir": b.dir, "Port": b.port, "Colour": colour, "Upstream": upstream,
	}))
	require.NoError(b.t, os.WriteFile(b.conf, buf.Bytes(), 0o600))
}

// switchTo points the balancer at another colour: the config is rewritten
// and nginx reloaded; it returns once new connections reach the new colour.
func (b *balancer) switchTo(colour, upstream string) {
	b.write(colour, upstream)
	out, err := exec.Command(b.bin, "-p", b.dir, "-c", b.conf, "-e", filepath.Join(b.dir, "error.log"), "-s", "reload").CombinedOutput()
	require.NoError(b.t, err, "nginx -s reload: %s", out)
	b.waitColour(colour)
}

// waitColour polls the balancer, on fresh connections, until it says colour.
func (b *balancer) waitColour(colour string) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(b.URL + "/__colour")
		if err == nil {
			got, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && string(got) == colour {
				return
			}
		}
		if time.Now().After(deadline) {
			errLog, rerr := os.ReadFile(filepath.Join(b.dir, "error.log"))
			b.t.Fatalf("nginx does not route to %s (last error %v)\n%s%v", colour, err, errLog, rerr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// errorLog returns nginx's error log, for failure messages.
func (b *balancer) errorLog() string {
	log, err := os.ReadFile(filepath.Join(b.dir, "error.log"))
	if err != nil {
		return err.Error()
	}
	return "--- nginx error.log ---\n" + string(log)
}

// simAdmin talks to the simulator's /_sim/ endpoints.
type simAdmin struct{ url string }

func (s simAdmin) post(ctx context.Context, path, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, err := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: %s %s%v", path, resp.Status, b, err)
	}
	return nil
}
