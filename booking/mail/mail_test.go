package mail_test

import (
	"bytes"
	"context"
	netmail "net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking/mail"
	"lobang/db/dbtest"
)

func TestRenderConfirmation(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	address := "1 Fullerton Square; Marina Bay, 049178 Singapore — près de la rivière, côté jardin, entrée principale"
	hotel := seedHotel(t, pool, "Hôtel Fullerton, Marina Bay", address)
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	m := seedBooking(t, pool, 1, "LB-ABC123", hotel, "zoe@example.com", now)
	m.Subject = "Réservation confirmée: LB-ABC123 — " + strings.Repeat("très longue ", 12)
	m.Body = "Dear Zoë,\n\nYour booking LB-ABC123 is confirmed. " + strings.Repeat("Bon séjour! ", 12) + "\n"

	eml, err := mail.Render(ctx, pool, testFrom, m, now)
	require.NoError(t, err)

	for i, line := range strings.Split(strings.TrimSuffix(string(eml), "\r\n"), "\r\n") {
		require.NotContains(t, line, "\n", "line %d ends in a bare LF", i)
		require.LessOrEqual(t, len(line), 998, "line %d", i)
	}
	p := parseEML(t, eml)
	from, err := p.msg.Header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, []*netmail.Address{{Name: "Lobang", Address: "bookings@lobang.example"}}, from)
	to, err := p.msg.Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, []*netmail.Address{{Address: "zoe@example.com"}}, to)
	assert.Equal(t, strings.TrimSpace(m.Subject), p.subject)
	assert.NotContains(t, p.msg.Header.Get("Subject"), "é", "a non-ASCII subject is RFC 2047 encoded")
	date, err := p.msg.Header.Date()
	require.NoError(t, err)
	assert.True(t, date.Equal(now), "date %v", date)
	assert.Regexp(t, `^<outbox-\d+\.[a-z0-9]+@lobang\.example>$`, p.msg.Header.Get("Message-ID"))
	assert.Equal(t, "1.0", p.msg.Header.Get("MIME-Version"))
	assert.Equal(t, m.Body, strings.ReplaceAll(p.text, "\r\n", "\n"))

	assert.Equal(t, "booking-LB-ABC123.ics", p.calName)
	assert.Equal(t, "PUBLISH", p.calMeth)
	cal := p.calendar
	require.NotEmpty(t, cal)
	assert.Equal(t, strings.Count(cal, "\n"), strings.Count(cal, "\r\n"), "CRLF line ends only")
	folded := 0
	for _, line := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(line), 75, "line %q", line)
		assert.True(t, utf8.ValidString(line), "folding split a character: %q", line)
		if strings.HasPrefix(line, " ") {
			folded++
		}
	}
	assert.Positive(t, folded, "the long location is folded")
	lines := unfold(cal)
	for _, want := range []string{
		"BEGIN:VCALENDAR",
		"METHOD:PUBLISH",
		"UID:LB-ABC123@lobang",
		"DTSTAMP:20260220T101500Z",
		"DTSTART;VALUE=DATE:20260301",
		"DTEND;VALUE=DATE:20260304",
		`SUMMARY:Stay at Hôtel Fullerton\, Marina Bay`,
		`LOCATION:1 Fullerton Square\; Marina Bay\, 049178 Singapore — près de la rivière\, côté jardin\, entrée principale`,
		"DESCRIPTION:Lobang booking reference LB-ABC123",
		"END:VCALENDAR",
	} {
		assert.Contains(t, lines, want)
	}

	// Another parser reads it back the same.
	parsedCal, err := ics.ParseCalendar(strings.NewReader(cal))
	require.NoError(t, err)
	events := parsedCal.Events()
	require.Len(t, events, 1)
	assert.Equal(t, address, ics.FromText(events[0].GetProperty(ics.ComponentPropertyLocation).Value))
	start, err := events[0].GetAllDayStartAt()
	require.NoError(t, err)
	assert.Equal(t, "2026-03-01", start.Format(time.DateOnly))

	again, err := mail.Render(ctx, pool, testFrom, m, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Contains(t, unfold(parseEML(t, again).calendar), "UID:LB-ABC123@lobang", "the UID is stable per booking")
}

func TestRenderWithoutHotelOrBooking(t *testing.T) {
	t.Parallel()
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	m := seedBooking(t, pool, 1, "LB-NOHOTL", 424242, "zoe@example.com", now)

	eml, err := mail.Render(ctx, pool, testFrom, m, now)
	require.NoError(t, err)
	lines := unfold(parseEML(t, eml).calendar)
	assert.Contains(t, lines, "SUMMARY:Hotel stay LB-NOHOTL")
	assert.Contains(t, lines, "DTSTART;VALUE=DATE:20260301")
	for _, l := range lines {
		assert.NotContains(t, l, "LOCATION", "no hotel, no location")
	}

	m.BookingID = "f0000000000000000000000000000000"
	eml, err = mail.Render(ctx, pool, testFrom, m, now)
	require.NoError(t, err, "a booking that is gone still gets its text")
	p := parseEML(t, eml)
	assert.Empty(t, p.calendar)
	assert.Contains(t, p.text, "LB-NOHOTL")

	m.To = "not an address"
	_, err = mail.Render(ctx, pool, testFrom, m, now)
	require.ErrorIs(t, err, mail.ErrBadAddress)
}

func TestEmailHeadersCannotBeInjected(t *testing.T) {
	t.Parallel()
	e := mail.Email{From: netmail.Address{Address: "bookings@lobang.example"}, To: netmail.Address{Address: "a@example.com"},
		Subject: "Hello\r\nBcc: victim@example.com", Date: time.Now(), MessageID: "x@lobang.example", Text: "hi"}
	eml, err := e.Bytes()
	require.NoError(t, err)
	msg, err := netmail.ReadMessage(bytes.NewReader(eml))
	require.NoError(t, err)
	assert.Empty(t, msg.Header.Get("Bcc"))
	assert.Equal(t, "Hello Bcc: victim@example.com", msg.Header.Get("Subject"))
}
