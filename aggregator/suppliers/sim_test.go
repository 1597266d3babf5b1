package suppliers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/suppliersim"
)

// Real destination uids of the simulated world.
const (
	singapore   = "i8gS"
	kualaLumpur = "9Ywx"
	paris       = "ceXQ"
	london      = "bNe3"
	tokyo       = "sTSB"
	zurich      = "7OrW"
)

// simEnv is a simulator served over real HTTP for one test.
type simEnv struct {
	sim *suppliersim.Sim
	srv *httptest.Server
}

func newSim(t *testing.T) *simEnv {
	t.Helper()
	sim, err := suppliersim.New(suppliersim.Config{Profile: "test", Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	return &simEnv{sim: sim, srv: srv}
}

// adapter builds the adapter of a dialect against the simulator, polling
// fast.
func (e *simEnv) adapter(t *testing.T, name string) suppliers.Supplier {
	t.Helper()
	s, err := suppliers.New(name, e.srv.URL+"/"+name, &http.Client{},
		suppliers.WithPollInterval(5*time.Millisecond, 40*time.Millisecond))
	require.NoError(t, err)
	return s
}

// knobs replaces a supplier's fault knobs.
func (e *simEnv) knobs(t *testing.T, name string, k suppliersim.Knobs) {
	t.Helper()
	require.NoError(t, e.sim.SetKnobs(name, k))
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

var dialects = []string{"ascenda", "bedcom", "wgl"}

func TestNewUnknownDialect(t *testing.T) {
	_, err := suppliers.New("expedia", "http://127.0.0.1:1/x", nil)
	require.Error(t, err)
	_, err = suppliers.New("ascenda", "not a url", nil)
	require.Error(t, err)
}
