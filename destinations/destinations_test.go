package destinations

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // every row's zone must load without the host's zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllCountAndOrder(t *testing.T) {
	t.Parallel()
	ds := All()
	require.GreaterOrEqual(t, len(ds), 20000)
	assert.True(t, sort.SliceIsSorted(ds, func(i, j int) bool {
		return ds[i].Population > ds[j].Population
	}), "All() must be sorted most populous first")
}

func TestUIDsUniqueAndShort(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^[A-Za-z0-9]{4,6}$`)
	seen := make(map[string]int, len(All()))
	for _, d := range All() {
		assert.Regexp(t, pattern, d.UID, "uid of %s", d.Name)
		if prev, dup := seen[d.UID]; dup {
			t.Errorf("uid %s used by GeoNames ids %d and %d", d.UID, prev, d.GeoNameID)
		}
		seen[d.UID] = d.GeoNameID
	}
}

// candidateUID mirrors gen/gen.mjs: four base62 digits, least significant
// first, of the first 8 bytes of HMAC-SHA256(key, "<id>:<attempt>").
func candidateUID(id, attempt int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	mac := hmac.New(sha256.New, []byte("lobang-destinations-uid-v1"))
	mac.Write([]byte(strconv.Itoa(id) + ":" + strconv.Itoa(attempt)))
	n := binary.BigEndian.Uint64(mac.Sum(nil)[:8])
	var b [4]byte
	for i := range b {
		b[i] = alphabet[n%62]
		n /= 62
	}
	return string(b[:])
}

// TestUIDRule replays the documented uid assignment (population order, first
// free candidate), so a generator change that renames destinations fails here.
func TestUIDRule(t *testing.T) {
	t.Parallel()
	used := make(map[string]bool, len(All()))
	for _, d := range All() {
		want := ""
		for attempt := 0; ; attempt++ {
			want = candidateUID(d.GeoNameID, attempt)
			if !used[want] {
				break
			}
		}
		used[want] = true
		if !assert.Equal(t, want, d.UID, "uid of %s (%d)", d.Name, d.GeoNameID) {
			return
		}
	}
}

func TestKnownDestinations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		uid, name, country, code, region, tz string
		geonameID                            int
		lat, lng                             float64
	}{
		{"i8gS", "Singapore", "Singapore", "SG", "", "Asia/Singapore", 1880252, 1.29, 103.85},
		{"9Ywx", "Kuala Lumpur", "Malaysia", "MY", "Kuala Lumpur", "Asia/Kuala_Lumpur", 1735161, 3.14, 101.69},
		{"YqL1", "Bangkok", "Thailand", "TH", "Bangkok", "Asia/Bangkok", 1609350, 13.75, 100.50},
		{"GprR", "Denpasar", "Indonesia", "ID", "Bali", "Asia/Makassar", 1645528, -8.65, 115.22},
		{"7OrW", "Zürich", "Switzerland", "CH", "Zurich", "Europe/Zurich", 2657896, 47.37, 8.55},
		{"ceXQ", "Paris", "France", "FR", "Île-de-France", "Europe/Paris", 2988507, 48.85, 2.35},
		{"bNe3", "London", "United Kingdom", "GB", "England", "Europe/London", 2643743, 51.51, -0.13},
		{"OJHQ", "New York City", "United States", "US", "New York", "America/New_York", 5128581, 40.71, -74.01},
		{"sTSB", "Tokyo", "Japan", "JP", "Tokyo", "Asia/Tokyo", 1850147, 35.69, 139.69},
		{"N4TG", "Sydney", "Australia", "AU", "New South Wales", "Australia/Sydney", 2147714, -33.87, 151.21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := Lookup(tt.uid)
			require.True(t, ok, "uid %s", tt.uid)
			assert.Equal(t, tt.name, d.Name)
			assert.Equal(t, tt.geonameID, d.GeoNameID)
			assert.Equal(t, tt.country, d.Country)
			assert.Equal(t, tt.code, d.CountryCode)
			assert.Equal(t, tt.region, d.Region)
			assert.Equal(t, tt.tz, d.TimeZone)
			assert.Equal(t, TypeCity, d.Type)
			assert.InDelta(t, tt.lat, d.Lat, 0.01)
			assert.InDelta(t, tt.lng, d.Lng, 0.01)
			assert.Positive(t, d.Population)
		})
	}
}

func TestZurichFolds(t *testing.T) {
	t.Parallel()
	d, ok := Lookup("7OrW")
	require.True(t, ok)
	assert.Equal(t, "Zürich", d.Name)
	assert.Equal(t, "Zurich", d.ASCIIName)
	assert.Equal(t, "zurich", Fold(d.Name))
	assert.Equal(t, "zurich", d.Slug())
}

func TestLookupUnknown(t *testing.T) {
	t.Parallel()
	for _, uid := range []string{"", "zzzzzzz", "i8g", "I8GS"} {
		_, ok := Lookup(uid)
		assert.False(t, ok, "uid %q", uid)
	}
}

func TestEveryRowIsComplete(t *testing.T) {
	t.Parallel()
	code := regexp.MustCompile(`^[A-Z]{2}$`)
	zones := map[string]error{}
	for _, d := range All() {
		assert.NotEmpty(t, d.Name, "name of %s", d.UID)
		assert.NotEmpty(t, d.Country, "country of %s", d.Name)
		assert.Regexp(t, code, d.CountryCode, "country code of %s", d.Name)
		assert.False(t, d.Lat == 0 && d.Lng == 0, "%s is at 0,0", d.Name)
		assert.True(t, d.Lat >= -90 && d.Lat <= 90, "lat of %s: %v", d.Name, d.Lat)
		assert.True(t, d.Lng >= -180 && d.Lng <= 180, "lng of %s: %v", d.Name, d.Lng)
		assert.InDelta(t, d.Lat, math.Round(d.Lat*1e5)/1e5, 1e-9, "lat of %s has more than 5 decimals", d.Name)
		assert.Positive(t, d.Population, "population of %s", d.Name)
		assert.Contains(t, []string{TypeCity, TypeRegion}, d.Type)
		assert.NotEmpty(t, d.Slug())
		if _, seen := zones[d.TimeZone]; !seen {
			_, err := time.LoadLocation(d.TimeZone)
			zones[d.TimeZone] = err
		}
		assert.NoError(t, zones[d.TimeZone], "time zone of %s", d.Name)
	}
}

// TestASCIINameFoldsLikeName keeps the generator's ASCII spelling and Fold in
// agreement: both must drop the same accents and spell the same letters.
func TestASCIINameFoldsLikeName(t *testing.T) {
	t.Parallel()
	ascii := regexp.MustCompile(`^[\x20-\x7E]+$`)
	for _, d := range All() {
		if d.ASCIIName == "" {
			continue
		}
		assert.Regexp(t, ascii, d.ASCIIName)
		assert.Equal(t, Fold(d.Name), Fold(d.ASCIIName), "%s (%s)", d.Name, d.UID)
	}
}

func TestFamousDestinationsPresent(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, d := range All() {
		have[d.CountryCode+"/"+d.Name] = true
	}
	for _, want := range []string{
		"SG/Singapore", "MY/Kuala Lumpur", "TH/Bangkok", "ID/Denpasar", "CH/Zürich",
		"FR/Paris", "GB/London", "US/New York City", "JP/Tokyo", "AU/Sydney",
		"ID/Ubud", "TH/Phuket", "BR/São Paulo",
	} {
		assert.True(t, have[want], "%s missing", want)
	}
}

func gzipText(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestParseRejectsBadData(t *testing.T) {
	t.Parallel()
	row := "i8gS\t1880252\tSingapore\tSingapore\t\tSingapore\tSG\t1.28967\t103.85007\t3547809\tcity\tAsia/Singapore\n"
	tests := []struct {
		name, text string
	}{
		{"wrong header", "uid\tname\n" + row},
		{"too few fields", header + "\ni8gS\t1880252\tSingapore\n"},
		{"too many fields", header + "\n" + row[:len(row)-1] + "\textra\n"},
		{"bad geonameid", header + "\ni8gS\tx\tSingapore\tSingapore\t\tSingapore\tSG\t1.2\t103.8\t1\tcity\tAsia/Singapore\n"},
		{"bad lat", header + "\ni8gS\t1\tSingapore\tSingapore\t\tSingapore\tSG\tnorth\t103.8\t1\tcity\tAsia/Singapore\n"},
		{"bad type", header + "\ni8gS\t1\tSingapore\tSingapore\t\tSingapore\tSG\t1.2\t103.8\t1\ttown\tAsia/Singapore\n"},
		{"empty time zone", header + "\ni8gS\t1\tSingapore\tSingapore\t\tSingapore\tSG\t1.2\t103.8\t1\tcity\t\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse(gzipText(t, tt.text))
			assert.Error(t, err)
		})
	}

	t.Run("not gzip", func(t *testing.T) {
		t.Parallel()
		_, err := parse([]byte(header))
		assert.Error(t, err)
	})

	t.Run("good row", func(t *testing.T) {
		t.Parallel()
		ds, err := parse(gzipText(t, header+"\n"+row))
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, "i8gS", ds[0].UID)
		assert.InDelta(t, 103.85007, ds[0].Lng, 1e-9)
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		ds, err := parse(embedded)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) < 20000 {
			b.Fatalf("%d rows", len(ds))
		}
	}
}

// TestEmbeddedGzipIsByteStable checks the header carries no name or time, which
// would make every regeneration differ.
func TestEmbeddedGzipIsByteStable(t *testing.T) {
	t.Parallel()
	zr, err := gzip.NewReader(bytes.NewReader(embedded))
	require.NoError(t, err)
	assert.Empty(t, zr.Name)
	assert.Empty(t, zr.Comment)
	assert.True(t, zr.ModTime.IsZero(), "mtime %v", zr.ModTime)
}
