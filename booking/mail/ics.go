package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

// The iCalendar text (RFC 5545: escaping, CRLF, folding at 75 octets on
// character boundaries) comes from github.com/arran4/golang-ical, a
// maintained library with a parser to check against; writing calendars is
// not Lobang's business. We only ever emit one all-day VEVENT.

// Stay is what a booking's calendar entry says.
type Stay struct {
	Reference string
	// HotelName and HotelAddress are empty when the hotel is not in the
	// catalog any more; the entry then names the reference only.
	HotelName    string
	HotelAddress string
	// Checkin and Checkout are dates (UTC midnight).
	Checkin, Checkout time.Time
}

// errNoStay is returned when a booking's stay dates cannot be read.
var errNoStay = errors.New("no stay dates")

// stayOf reads a booking's stay: its dates and its hotel from the catalog.
// A hotel that is gone leaves the name and address empty.
func stayOf(ctx context.Context, q db.DBTX, b db.Booking) (Stay, error) {
	var query suppliers.Query
	if err := json.Unmarshal([]byte(b.Query), &query); err != nil {
		return Stay{}, fmt.Errorf("%w: booking %s: %v", errNoStay, b.ID, err)
	}
	if query.Checkin.IsZero() || !query.Checkout.After(query.Checkin) {
		return Stay{}, fmt.Errorf("%w: booking %s", errNoStay, b.ID)
	}
	s := Stay{Reference: b.Reference, Checkin: query.Checkin, Checkout: query.Checkout}
	h, err := db.GetHotel(ctx, q, b.HotelID)
	switch {
	case errors.Is(err, db.ErrNotFound):
	case err != nil:
		return Stay{}, err
	default:
		s.HotelName, s.HotelAddress = h.Name, h.Address
		if h.PostalCode != "" && !strings.Contains(h.Address, h.PostalCode) {
			s.HotelAddress = strings.TrimSpace(h.Address + " " + h.PostalCode)
		}
	}
	return s, nil
}

// calendarFileName is the attachment's name for a booking's stay.
func calendarFileName(reference string) string {
	return "booking-" + reference + ".ics"
}

// Calendar renders a stay as an iCalendar file (METHOD:PUBLISH, one all-day
// event from check-in to check-out) stamped at stamp. Its UID is the same for
// every email about the booking, so calendars update the entry instead of
// adding a second one.
func Calendar(s Stay, stamp time.Time) ([]byte, error) {
	cal := ics.NewCalendarFor("Lobang")
	cal.SetProductId("-//Lobang//Booking//EN")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(s.Reference + "@lobang")
	ev.SetDtStampTime(stamp.UTC())
	ev.SetAllDayStartAt(dateOnly(s.Checkin))
	ev.SetAllDayEndAt(dateOnly(s.Checkout))
	if s.HotelName != "" {
		ev.SetSummary(oneLine("Stay at " + s.HotelName))
	} else {
		ev.SetSummary("Hotel stay " + s.Reference)
	}
	if s.HotelAddress != "" {
		ev.SetLocation(oneLine(s.HotelAddress))
	}
	ev.SetDescription("Lobang booking reference " + s.Reference)
	// A hotel stay should not make the whole days look busy.
	ev.SetTimeTransparency(ics.TransparencyTransparent)
	var buf bytes.Buffer
	if err := cal.SerializeTo(&buf, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar of %s: %w", s.Reference, err)
	}
	return buf.Bytes(), nil
}

// dateOnly keeps the calendar date of t as written in UTC, where stay dates
// are stored.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// oneLine flattens line breaks, which supplier content sometimes carries
// inside names and addresses.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
