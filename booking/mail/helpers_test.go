package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"lobang/aggregator/suppliers"
	"lobang/db"
)

const testFrom = "Lobang <bookings@lobang.example>"

var (
	testCheckin  = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	testCheckout = time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
)

// seedHotel adds a catalog hotel and returns its id.
func seedHotel(t *testing.T, pool db.DBTX, name, address string) int64 {
	t.Helper()
	now := time.Now().UTC()
	id, err := db.InsertHotel(context.Background(), pool, db.Hotel{DestinationUID: "SG01", Slug: "hotel",
		Name: name, Address: address, ContentHash: strings.Repeat("0", 64), ContentUpdatedAt: now, CreatedAt: now,
		Active: true})
	require.NoError(t, err)
	return id
}

// seedBooking adds a confirmed booking at hotelID and its confirmation
// email, due at due, and returns the outbox message.
func seedBooking(t *testing.T, pool db.DBTX, n int, ref string, hotelID int64, to string, due time.Time) db.OutboxMessage {
	t.Helper()
	ctx := context.Background()
	q, err := json.Marshal(suppliers.Query{DestinationUID: "SG01", Checkin: testCheckin, Checkout: testCheckout,
		Rooms: 1, Adults: 2, Currency: "SGD"})
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := fmt.Sprintf("b%031d", n)
	b := db.Booking{ID: id, Reference: ref, Status: "confirmed", HotelID: hotelID, Supplier: "bedcom",
		SupplierHotelID: "B1", OfferKey: "k", Offer: "{}", Query: string(q), ChargeAmount: 10_000,
		ChargeCurrency: "SGD", NetAmount: 6_000, NetCurrency: "EUR", FXRate: "1.5", MarginAmount: 1_000,
		QuoteExpiresAt: now, FormToken: fmt.Sprintf("t%031d", n), CreatedAt: now, UpdatedAt: now}
	require.NoError(t, db.InsertBooking(ctx, pool, b))
	require.NoError(t, db.EnqueueOutbox(ctx, pool, db.OutboxMessage{BookingID: id, Kind: "confirmation", To: to,
		Subject: "Booking confirmed: " + ref, Body: "Dear Zoë,\n\nYour booking " + ref + " is confirmed.\n",
		NextAt: due, CreatedAt: due}))
	msgs, err := db.OutboxOf(ctx, pool, id)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	return msgs[0]
}

// parsed is an .eml read back with the standard library.
type parsed struct {
	msg      *netmail.Message
	subject  string
	text     string
	textCTE  string
	calendar string // the .ics, "" without one
	calName  string
	calType  string
	calMeth  string
}

func parseEML(t *testing.T, eml []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(eml))
	require.NoError(t, err)
	var p parsed
	p.msg = msg
	p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/mixed", mediaType)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		ctype, cparams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		require.NoError(t, err)
		raw, err := io.ReadAll(part)
		require.NoError(t, err)
		switch ctype {
		case "text/plain":
			p.textCTE = part.Header.Get("Content-Transfer-Encoding")
			require.Equal(t, "quoted-printable", p.textCTE)
			require.Equal(t, "utf-8", strings.ToLower(cparams["charset"]))
			text, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
			require.NoError(t, err)
			p.text = string(text)
		case "text/calendar":
			require.Equal(t, "base64", part.Header.Get("Content-Transfer-Encoding"))
			_, dparams, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			require.NoError(t, err)
			p.calName = dparams["filename"]
			p.calType = ctype
			p.calMeth = cparams["method"]
			ics, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
			require.NoError(t, err)
			p.calendar = string(ics)
		default:
			t.Fatalf("unexpected part %s", ctype)
		}
	}
	return p
}

// unfold joins an iCalendar file's folded lines back into content lines.
func unfold(ics string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n"), "\r\n")
}

// clock is a settable time for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorder is a Transport that keeps what it was asked to send, and fails
// with fail(to) when that returns an error.
type recorder struct {
	mu   sync.Mutex
	sent []sentMail
	fail func(to string) error
}

type sentMail struct {
	from, to string
	eml      []byte
}

func (r *recorder) Send(ctx context.Context, from, to string, eml []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(to); err != nil {
			r.sent = append(r.sent, sentMail{from: from, to: to})
			return err
		}
	}
	r.sent = append(r.sent, sentMail{from: from, to: to, eml: eml})
	return nil
}

func (r *recorder) calls() []sentMail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentMail(nil), r.sent...)
}
