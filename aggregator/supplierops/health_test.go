package supplierops_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/aggregator/supplierops"
	"lobang/aggregator/suppliers"
	"lobang/db/dbtest"
	"lobang/suppliersim"
)

func ms(n int) *int { return &n }

// TestHealthRecordsCallsOverHTTP: calls to the simulator through the
// observed adapter land in the supplier's buckets with their outcomes,
// latencies and the last error's text.
func TestHealthRecordsCallsOverHTTP(t *testing.T) {
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	rdb, prefix := dbtest.Redis(t)
	health := supplierops.NewHealth(rdb, prefix, nil)
	ad, err := suppliers.New("wgl", srv.URL+"/wgl", &http.Client{})
	require.NoError(t, err)
	wgl := suppliers.Observe(ad, health, nil)
	ctx := context.Background()
	in := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 30)
	q := suppliers.Query{DestinationUID: "9Ywx", Checkin: in, Checkout: in.AddDate(0, 0, 2), Rooms: 1, Adults: 2, Currency: "USD"}

	require.NoError(t, sim.SetKnobs("wgl", suppliersim.Knobs{LatencyMS: ms(120)}))
	for range 3 {
		require.NoError(t, wgl.Availability(ctx, q, func([]suppliers.HotelPrice) {}))
	}
	require.NoError(t, sim.SetKnobs("wgl", suppliersim.Knobs{ErrorRate: 1, LatencyMS: ms(0)}))
	err = wgl.Availability(ctx, q, func([]suppliers.HotelPrice) {})
	require.Error(t, err)
	require.NoError(t, sim.SetKnobs("wgl", suppliersim.Knobs{TimeoutRate: 1}))
	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = wgl.Availability(tctx, q, func([]suppliers.HotelPrice) {})
	cancel()
	require.Error(t, err)

	st, err := health.Stats(ctx, "wgl", time.Now())
	require.NoError(t, err)
	assert.EqualValues(t, 5, st.Hour.Requests)
	assert.EqualValues(t, 3, st.Hour.OK)
	assert.EqualValues(t, 1, st.Hour.Errors)
	assert.EqualValues(t, 1, st.Hour.Timeouts)
	assert.InDelta(t, 0.4, st.Hour.ErrorRate(), 1e-9)
	assert.Equal(t, st.Hour.Requests, st.Day.Requests)
	assert.Len(t, st.Minutes, 60)
	var perMinute int64
	for _, m := range st.Minutes {
		perMinute += m.Requests
	}
	assert.EqualValues(t, 5, perMinute)
	p50 := st.Hour.Percentile(0.5)
	assert.GreaterOrEqual(t, p50, 100*time.Millisecond, "three of five calls took 120 ms or more")
	// No upper bound on p50: on a loaded machine a 120 ms call takes longer.
	assert.GreaterOrEqual(t, st.Hour.Percentile(0.99), 200*time.Millisecond, "the time-out waited 300 ms")
	assert.LessOrEqual(t, p50, st.Hour.Percentile(0.99))
	assert.NotEmpty(t, st.Last.Text)
	assert.Equal(t, "availability", st.Last.Op)

	// Another supplier's buckets are its own.
	other, err := health.Stats(ctx, "bedcom", time.Now())
	require.NoError(t, err)
	assert.Zero(t, other.Hour.Requests)
}

func TestPercentileInterpolatesInsideBuckets(t *testing.T) {
	c := supplierops.Counts{Hist: make([]int64, len(supplierops.Bounds)+1)}
	c.Hist[2] = 100 // 50–100 ms
	assert.Equal(t, 75*time.Millisecond, c.Percentile(0.5))
	assert.Equal(t, 100*time.Millisecond, c.Percentile(1))
	c.Hist[len(supplierops.Bounds)] = 1
	assert.Equal(t, 60*time.Second, c.Percentile(1), "the open bucket reads as a minute")
	assert.Zero(t, supplierops.Counts{}.Percentile(0.95))
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, suppliers.OutcomeOK},
		{suppliers.ErrSoldOut, suppliers.OutcomeOK},
		{suppliers.ErrTimeout, suppliers.OutcomeTimeout},
		{context.DeadlineExceeded, suppliers.OutcomeTimeout},
		{&suppliers.RateLimitError{Supplier: "wgl"}, suppliers.OutcomeRateLimited},
		{suppliers.ErrUnavailable, suppliers.OutcomeError},
		{context.Canceled, ""},
		{errors.New("boom"), suppliers.OutcomeError},
	} {
		assert.Equal(t, tc.want, suppliers.Classify(tc.err), "%v", tc.err)
	}
}

// TestSwitchedOffSupplierIsNotCalled: a switched-off adapter refuses new
// business without a request but still serves existing bookings.
func TestSwitchedOffSupplierIsNotCalled(t *testing.T) {
	sim, err := suppliersim.New(suppliersim.Config{Profile: suppliersim.ProfileTest, Admin: true})
	require.NoError(t, err)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	rdb, prefix := dbtest.Redis(t)
	sw := supplierops.NewSwitches(rdb, prefix, nil)
	ad, err := suppliers.New("bedcom", srv.URL+"/bedcom", &http.Client{})
	require.NoError(t, err)
	bedcom := suppliers.Observe(ad, nil, sw)
	ctx := context.Background()
	_, err = sw.Set(ctx, "bedcom", supplierops.Switch{Disabled: true})
	require.NoError(t, err)
	assert.True(t, suppliers.SwitchedOff(ctx, bedcom))
	_, err = bedcom.Offers(ctx, "x", suppliers.Query{})
	assert.ErrorIs(t, err, suppliers.ErrDisabled)
	_, err = bedcom.Retrieve(ctx, "LB-NOPE")
	assert.ErrorIs(t, err, suppliers.ErrNotFound, "retrieve still asks the supplier")
	assert.Zero(t, sim.Count("bedcom", "availability"))

	_, err = sw.Set(ctx, "bedcom", supplierops.Switch{Deadline: 3 * time.Minute})
	assert.Error(t, err, "deadline beyond the maximum")
}
