package suppliersim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"lobang/destinations"
)

// uidOf finds the uid of the most populous destination with a name in a country.
func uidOf(t *testing.T, name, cc string) string {
	t.Helper()
	for _, d := range destinations.All() {
		if (d.Name == name || d.ASCIIName == name) && d.CountryCode == cc {
			return d.UID
		}
	}
	t.Fatalf("destination %s, %s not found", name, cc)
	return ""
}

// smallestUID is the least populous destination (a village with a handful of hotels).
func smallestUID() string {
	all := destinations.All()
	return all[len(all)-1].UID
}

type testEnv struct {
	sim *Sim
	srv *httptest.Server
}

func newEnv(t *testing.T, mod func(*Config)) *testEnv {
	t.Helper()
	cfg := Config{Seed: 42, Profile: ProfileTest, Admin: true, PublicURL: "http://sim.test"}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		srv.Close()
	})
	return &testEnv{sim: s, srv: srv}
}

var client = &http.Client{Timeout: 60 * time.Second}

func (e *testEnv) get(t *testing.T, path string, q url.Values) (int, http.Header, []byte) {
	t.Helper()
	u := e.srv.URL + path
	if q != nil {
		u += "?" + q.Encode()
	}
	resp, err := client.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

func (e *testEnv) do(t *testing.T, method, path, ctype string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

func (e *testEnv) postJSON(t *testing.T, path string, v any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	status, _, body := e.do(t, http.MethodPost, path, "application/json", b)
	return status, body
}

func (e *testEnv) postXML(t *testing.T, path, body string) (int, []byte) {
	t.Helper()
	status, _, b := e.do(t, http.MethodPost, path, "application/xml", []byte(body))
	return status, b
}

func decodeInto[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), "body: %.300s", b)
	return v
}

func decodeXMLInto[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, xml.Unmarshal(b, &v), "body: %.300s", b)
	return v
}

// dates returns a check-in n days from today and a check-out nights later.
func dates(n, nights int) (string, string) {
	in := time.Now().UTC().AddDate(0, 0, n)
	return in.Format(time.DateOnly), in.AddDate(0, 0, nights).Format(time.DateOnly)
}

// pollAscenda polls the ascenda prices endpoint until completed (bounded by a poll count).
func (e *testEnv) pollAscenda(t *testing.T, q url.Values) ascPricesEnvelope {
	t.Helper()
	for i := 0; i < 500; i++ {
		status, _, b := e.get(t, "/ascenda/api/hotels/prices", q)
		require.Equal(t, http.StatusOK, status, "%s", b)
		env := decodeInto[ascPricesEnvelope](t, b)
		if env.Completed {
			return env
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("ascenda search never completed")
	return ascPricesEnvelope{}
}
