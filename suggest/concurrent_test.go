package suggest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/destinations"
)

// TestConcurrentAddSuggest adds hotels in batches while other goroutines
// query; run with -race.
func TestConcurrentAddSuggest(t *testing.T) {
	t.Parallel()
	ix := New(FromDestinations(destinations.All()[:2000]))
	const writers, batches, perBatch, readers = 2, 20, 25, 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				hs := make([]Entry, perBatch)
				for i := range hs {
					hs[i] = Entry{Kind: KindHotel, ID: fmt.Sprintf("h%d-%d-%d", w, b, i), Name: fmt.Sprintf("Zebrahof %d %d %d", w, b, i), Context: "Hotel · Testland", Popularity: 100}
				}
				ix.Add(hs...)
			}
		})
	}
	stop := make(chan struct{})
	var readersWG sync.WaitGroup
	for range readers {
		readersWG.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, q := range []string{"zebra", "zebrahof 1", "zebrahpf", "lon", "sinagpore"} {
					for _, m := range ix.Suggest(q, 10) {
						if m.Kind == KindHotel && m.Name == "" {
							t.Errorf("empty hotel match for %q", q)
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readersWG.Wait()

	assert.Equal(t, 2000+writers*batches*perBatch, ix.Len())
	ms := ix.Suggest("zebrahof 1 19 24", 1)
	require.Len(t, ms, 1)
	assert.Equal(t, "h1-19-24", ms[0].ID)
	assert.True(t, ms[0].Exact)
}
