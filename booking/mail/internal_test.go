package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{
		0: time.Minute, 1: time.Minute, 2: 5 * time.Minute, 3: 15 * time.Minute, 4: time.Hour,
		6: 6 * time.Hour, 20: 6 * time.Hour,
	} {
		assert.Equal(t, want, backoff(n), "after attempt %d", n)
	}
}

func TestMaskAddresses(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ada@example.com": "a***@example.com",
		"550 5.1.1 <ada.lovelace+x@mail.example.org>: Recipient address rejected": "550 5.1.1 <a***@mail.example.org>: Recipient address rejected",
		"zoë@example.com and bob@example.net":                                     "z***@example.com and b***@example.net",
		"no address here":                                                         "no address here",
	} {
		assert.Equal(t, want, maskAddresses(in))
	}
}

func TestCalendarFoldsLongMultibyteLines(t *testing.T) {
	t.Parallel()
	s := Stay{Reference: "LB-FOLD01", HotelName: strings.Repeat("酒店", 40), HotelAddress: "a\nb",
		Checkin: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Checkout: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}
	cal, err := Calendar(s, time.Date(2026, 12, 1, 8, 0, 0, 0, time.FixedZone("SGT", 8*3600)))
	require.NoError(t, err)
	text := string(cal)
	require.True(t, strings.HasSuffix(text, "END:VCALENDAR\r\n"))
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(line), 75, "%q", line)
	}
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	assert.Contains(t, unfolded, "\r\nSUMMARY:Stay at "+strings.Repeat("酒店", 40)+"\r\n")
	assert.Contains(t, unfolded, "\r\nLOCATION:a b\r\n", "line breaks in content are flattened")
	assert.Contains(t, unfolded, "\r\nDTSTAMP:20261201T000000Z\r\n", "stamped in UTC")
	assert.Contains(t, unfolded, "\r\nDTSTART;VALUE=DATE:20261231\r\n")
	assert.Contains(t, unfolded, "\r\nDTEND;VALUE=DATE:20270102\r\n")
}
