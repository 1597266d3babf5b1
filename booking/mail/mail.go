// Package mail delivers the emails that the booking flow writes into the
// outbox table: it renders each one as a MIME message (plain text plus, for
// a confirmation, the stay as an .ics file), hands it to a Transport (SMTP
// in production, a directory of .eml files in the dev stack) and records
// the outcome, retrying with backoff. Several workers may run a Sender on
// the same database: a message is claimed under a lease before it is sent.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"

	"lobang/db"
)

// ErrBadAddress is returned when a message's sender or recipient is not a
// valid email address; sending it again will not help.
var ErrBadAddress = errors.New("invalid email address")

// KindConfirmation is the outbox kind of a booking confirmation, the email
// that carries the stay as a calendar file.
const KindConfirmation = "confirmation"

// Attachment is a file carried by an email.
type Attachment struct {
	Name string
	// ContentType is the media type without a name parameter, which
	// Bytes adds.
	ContentType string
	Data        []byte
}

// Email is one message ready to be written out as RFC 5322 text.
type Email struct {
	From, To    netmail.Address
	Subject     string
	Date        time.Time
	MessageID   string // without the angle brackets
	Text        string // plain text, "\n" line ends
	Attachments []Attachment
}

// Bytes writes the email as an .eml file: headers, then a multipart/mixed
// body with the text as quoted-printable UTF-8 and each attachment in base64.
// Lines end in CRLF.
func (e Email) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	header := func(name, value string) { buf.WriteString(name + ": " + value + "\r\n") }
	header("From", e.From.String())
	header("To", e.To.String())
	header("Subject", encodeSubject(e.Subject))
	header("Date", e.Date.Format(time.RFC1123Z))
	header("Message-ID", "<"+e.MessageID+">")
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")

	text, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, fmt.Errorf("text part: %w", err)
	}
	qp := quotedprintable.NewWriter(text)
	body := strings.ReplaceAll(e.Text, "\r\n", "\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("text part: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("text part: %w", err)
	}

	for _, a := range e.Attachments {
		ctype, params, err := mime.ParseMediaType(a.ContentType)
		if err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.Name, err)
		}
		params["name"] = a.Name
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(ctype, params)},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.Name, err)
		}
		if err := writeBase64Lines(part, a.Data); err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.Name, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeSubject makes a subject safe for a header: line breaks flattened,
// non-ASCII text as RFC 2047 encoded words, each on its own folded line so
// that no header line grows past the limit.
func encodeSubject(s string) string {
	enc := mime.QEncoding.Encode("utf-8", oneLine(s))
	// Q-encoding writes spaces as "_", so the only spaces between encoded
	// words are the separators.
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// writeBase64Lines writes data in base64, 76 characters a line.
func writeBase64Lines(w io.Writer, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(len(enc), 76)
		if _, err := w.Write([]byte(enc[:n] + "\r\n")); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}

// rendered is an outbox message turned into an email, with what the
// transports and the log need to know about it.
type rendered struct {
	email     Email
	reference string // the booking's reference; "" when the booking is gone
	// noCalendar says why a confirmation went without its .ics; "" when it
	// has one or needs none.
	noCalendar string
}

// Render builds the .eml of an outbox message as it would be sent at now
// from the address from (e.g. "Lobang <bookings@lobang.example>"): the
// stored subject and text and, for a confirmation, the booking's stay as
// booking-<reference>.ics. Staff screens preview messages with it.
func Render(ctx context.Context, q db.DBTX, from string, m db.OutboxMessage, now time.Time) ([]byte, error) {
	sender, err := parseAddress(from)
	if err != nil {
		return nil, err
	}
	r, err := render(ctx, q, sender, m, now)
	if err != nil {
		return nil, err
	}
	return r.email.Bytes()
}

// render builds an outbox message's email. Only a failing database fails
// it: a booking that is gone or a stay that cannot be read leaves the
// calendar out, since the stored text says what matters.
func render(ctx context.Context, q db.DBTX, from netmail.Address, m db.OutboxMessage, now time.Time) (rendered, error) {
	to, err := parseAddress(m.To)
	if err != nil {
		return rendered{}, err
	}
	r := rendered{email: Email{From: from, To: to, Subject: m.Subject, Date: now, MessageID: messageID(m.ID, from),
		Text: m.Body}}
	b, err := db.GetBooking(ctx, q, m.BookingID)
	switch {
	case errors.Is(err, db.ErrNotFound):
		if m.Kind == KindConfirmation {
			r.noCalendar = "the booking is gone"
		}
		return r, nil
	case err != nil:
		return rendered{}, fmt.Errorf("render outbox message %d: %w", m.ID, err)
	}
	r.reference = b.Reference
	if m.Kind != KindConfirmation {
		return r, nil
	}
	stay, err := stayOf(ctx, q, b)
	if errors.Is(err, errNoStay) {
		r.noCalendar = err.Error()
		return r, nil
	}
	if err != nil {
		return rendered{}, fmt.Errorf("render outbox message %d: %w", m.ID, err)
	}
	ical, err := Calendar(stay, now)
	if err != nil {
		return rendered{}, fmt.Errorf("render outbox message %d: %w", m.ID, err)
	}
	r.email.Attachments = append(r.email.Attachments, Attachment{Name: calendarFileName(stay.Reference),
		ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ical})
	return r, nil
}

// parseAddress accepts one address, with or without a display name.
func parseAddress(s string) (netmail.Address, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return netmail.Address{}, fmt.Errorf("%w: %v", ErrBadAddress, err)
	}
	return *a, nil
}

// messageID makes a fresh Message-ID in the sender's domain. Every attempt
// gets its own: a staff resend must not be dropped as a duplicate.
func messageID(outboxID int64, from netmail.Address) string {
	domain := "lobang.invalid"
	if _, d, ok := strings.Cut(from.Address, "@"); ok && d != "" {
		domain = d
	}
	return fmt.Sprintf("outbox-%d.%s@%s", outboxID, strings.ToLower(rand.Text()), domain)
}
