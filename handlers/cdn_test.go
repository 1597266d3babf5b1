package handlers

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const nginxPath = "/usr/sbin/nginx"

// nginxConf is a caching reverse proxy as a CDN would be: it honours the
// origin's Cache-Control (s-maxage, private, no-store, stale-if-error) and
// never stores a response that sets a cookie.
const nginxConf = `daemon off;
%s
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	proxy_cache_path %[2]s/cache levels=1:2 keys_zone=lobang:10m max_size=200m inactive=1d use_temp_path=off;
	upstream origin { server %[3]s; keepalive 16; }
	server {
		listen 127.0.0.1:%[4]d;
		location / {
			proxy_pass http://origin;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_cache lobang;
			proxy_cache_key $scheme$host$request_uri;
			proxy_cache_use_stale error timeout updating;
			proxy_cache_background_update on;
			proxy_cache_revalidate on;
			proxy_connect_timeout 1s;
			add_header X-Cache-Status $upstream_cache_status always;
		}
	}
}
`

// startNginx runs nginx with proxy_cache in front of origin (host:port)
// and returns its base URL. It skips where nginx is missing unless
// LOBANG_REQUIRE_NGINX is set.
func startNginx(t *testing.T, origin string) string {
	t.Helper()
	if _, err := os.Stat(nginxPath); err != nil {
		if os.Getenv("LOBANG_REQUIRE_NGINX") != "" {
			t.Fatalf("nginx is required (LOBANG_REQUIRE_NGINX is set) but %s is missing", nginxPath)
		}
		t.Skip("nginx not installed: apt-get install nginx-light (.ci/run does)")
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	userLine := ""
	if os.Getuid() == 0 {
		// As root nginx would run its workers as nobody, who cannot write here.
		if u, err := user.Current(); err == nil {
			userLine = "user " + u.Username + ";"
		}
	}
	conf := filepath.Join(dir, "nginx.conf")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, nginxConf, userLine, dir, origin, port), 0o600))
	cmd := exec.Command(nginxPath, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if err := cmd.Process.Signal(os.Interrupt); err != nil { // fast shutdown
			t.Logf("stop nginx: %v", err)
		}
		if err := cmd.Wait(); err != nil {
			t.Logf("nginx ended: %v", err)
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "nginx did not start")
	return base
}

// cacheStatus fetches url and returns status, X-Cache-Status and the body.
func cacheStatus(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("X-Cache-Status"), string(body)
}

// shortTTL shortens the CDN lifetime of public pages to one second so that
// the test sees them expire; every other directive (stale-if-error, …) is
// left exactly as the origin sends it.
func shortTTL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&ttlWriter{ResponseWriter: w}, r)
	})
}

type ttlWriter struct{ http.ResponseWriter }

func (w *ttlWriter) WriteHeader(code int) {
	cc := w.Header().Get("Cache-Control")
	w.Header().Set("Cache-Control", strings.Replace(cc, "s-maxage=600", "s-maxage=1", 1))
	w.ResponseWriter.WriteHeader(code)
}

func (w *ttlWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// TestBehindCachingProxy puts nginx's proxy_cache in front of the real
// router and checks what a CDN would store.
func TestBehindCachingProxy(t *testing.T) {
	t.Parallel()
	w := newHotelWorld(t)
	mux := http.NewServeMux()
	mux.Handle("/", w.app)
	// A response that sets a cookie on a public-looking page: the proxy
	// must not store it (our own public routes never set one).
	mux.HandleFunc("/cookie-probe", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "public, s-maxage=600")
		http.SetCookie(rw, &http.Cookie{Name: "probe", Value: "1"})
		if _, err := io.WriteString(rw, "probe"); err != nil {
			t.Logf("cookie probe: %v", err)
		}
	})
	origin := httptest.NewServer(shortTTL(mux))
	t.Cleanup(origin.Close)
	proxy := startNginx(t, origin.Listener.Addr().String())

	hotel := proxy + hotelPath(w.hotels[0])
	dest := proxy + "/destinations/" + zurichUID + "/zurich"
	code, _, body := cacheStatus(t, hotel)
	require.Equal(t, http.StatusOK, code)
	asset := proxy + htmlDocString(t, body).Find(`link[rel="stylesheet"]`).AttrOr("href", "")

	t.Run("public pages and assets are hits the second time", func(t *testing.T) {
		for _, u := range []string{hotel + "?" + stayIn(30, 2), dest, asset, proxy + "/robots.txt", proxy + "/sitemap.xml"} {
			code, first, _ := cacheStatus(t, u)
			require.Equal(t, http.StatusOK, code, u)
			assert.Equal(t, "MISS", first, u)
			_, second, _ := cacheStatus(t, u)
			assert.Equal(t, "HIT", second, u)
		}
	})

	t.Run("private pages are never stored", func(t *testing.T) {
		for _, u := range []string{
			proxy + "/search?destination=" + zurichUID + "&" + stayIn(30, 2),
			proxy + "/hotels/" + strconv.FormatInt(w.hotels[0].ID, 10) + "/rooms?" + stayIn(30, 2),
			proxy + "/bookings",
			proxy + "/account",
			proxy + "/cookie-probe",
		} {
			for range 2 {
				_, status, _ := cacheStatus(t, u)
				assert.NotEqual(t, "HIT", status, u)
			}
		}
	})

	t.Run("stale while the origin is down", func(t *testing.T) {
		_, _, fresh := cacheStatus(t, hotel)
		// Past the shortened s-maxage: nginx keeps expiry times in whole
		// seconds, so a 1 s lifetime can last almost 2 s.
		time.Sleep(2500 * time.Millisecond)
		origin.CloseClientConnections()
		origin.Listener.Close()
		code, status, body := cacheStatus(t, hotel)
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "STALE", status)
		assert.Equal(t, fresh, body)
	})
}

func htmlDocString(t *testing.T, s string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	require.NoError(t, err)
	return doc
}
