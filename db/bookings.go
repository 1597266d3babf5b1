package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Booking is one row of bookings. The booking package owns its rules; this
// is its storage shape. Offer and Query are JSON documents.
type Booking struct {
	ID                   string
	Reference            string
	Status               string
	HotelID              int64
	Supplier             string
	SupplierHotelID      string
	OfferKey             string
	Offer                string
	Query                string
	ChargeAmount         int64
	ChargeCurrency       string
	PreviousChargeAmount int64 // the price quoted before a price change; 0 without one
	NetAmount            int64
	NetCurrency          string
	PayAtHotelAmount     int64
	PayAtHotelCurrency   string
	FXRate               string // units of the charge currency per unit of the net currency
	MarginAmount         int64  // in the charge currency
	QuoteExpiresAt       time.Time

	Title, FirstName, LastName, Email, Phone, ArrivalTime sql.NullString
	SpecialRequests, BillingAddress                       sql.NullString

	FormToken         string
	DetailsSavedAt    sql.NullTime
	SupplierReference sql.NullString
	PaymentSessionID  sql.NullString
	PaymentID         sql.NullString
	CardBrand         sql.NullString
	CardLast4         sql.NullString
	ConfirmingSince   sql.NullTime
	// WorkUntil is the lease of whoever is talking to the supplier and the
	// payment provider for this booking; others leave it alone until then.
	WorkUntil sql.NullTime
	CreatedAt time.Time
	UpdatedAt time.Time
}

const bookingColumns = `id, reference, status, hotel_id, supplier, supplier_hotel_id, offer_key, offer, query,
	charge_amount, charge_currency, previous_charge_amount, net_amount, net_currency, pay_at_hotel_amount,
	pay_at_hotel_currency, fx_rate, margin_amount, quote_expires_at, title, first_name, last_name, email, phone,
	arrival_time, special_requests, billing_address, form_token, details_saved_at, supplier_reference,
	payment_session_id, payment_id, card_brand, card_last4, confirming_since, work_until, created_at, updated_at`

func (b *Booking) fields() []any {
	return []any{&b.ID, &b.Reference, &b.Status, &b.HotelID, &b.Supplier, &b.SupplierHotelID, &b.OfferKey, &b.Offer,
		&b.Query, &b.ChargeAmount, &b.ChargeCurrency, &b.PreviousChargeAmount, &b.NetAmount, &b.NetCurrency,
		&b.PayAtHotelAmount, &b.PayAtHotelCurrency, &b.FXRate, &b.MarginAmount, &b.QuoteExpiresAt, &b.Title,
		&b.FirstName, &b.LastName, &b.Email, &b.Phone, &b.ArrivalTime, &b.SpecialRequests, &b.BillingAddress,
		&b.FormToken, &b.DetailsSavedAt, &b.SupplierReference, &b.PaymentSessionID, &b.PaymentID, &b.CardBrand,
		&b.CardLast4, &b.ConfirmingSince, &b.WorkUntil, &b.CreatedAt, &b.UpdatedAt}
}

// values returns the column values in bookingColumns order, times in UTC.
func (b *Booking) values() []any {
	utc := func(t sql.NullTime) sql.NullTime {
		if t.Valid {
			t.Time = t.Time.UTC()
		}
		return t
	}
	return []any{b.ID, b.Reference, b.Status, b.HotelID, b.Supplier, b.SupplierHotelID, b.OfferKey, b.Offer,
		b.Query, b.ChargeAmount, b.ChargeCurrency, b.PreviousChargeAmount, b.NetAmount, b.NetCurrency,
		b.PayAtHotelAmount, b.PayAtHotelCurrency, b.FXRate, b.MarginAmount, b.QuoteExpiresAt.UTC(), b.Title,
		b.FirstName, b.LastName, b.Email, b.Phone, b.ArrivalTime, b.SpecialRequests, b.BillingAddress,
		b.FormToken, utc(b.DetailsSavedAt), b.SupplierReference, b.PaymentSessionID, b.PaymentID, b.CardBrand,
		b.CardLast4, utc(b.ConfirmingSince), utc(b.WorkUntil), b.CreatedAt.UTC(), b.UpdatedAt.UTC()}
}

// InsertBooking stores a new booking; a clash of any unique key is ErrDuplicate.
func InsertBooking(ctx context.Context, q DBTX, b Booking) error {
	_, err := q.ExecContext(ctx, "INSERT INTO bookings ("+bookingColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.values()...)
	if IsDuplicate(err) {
		return fmt.Errorf("insert booking %s: %w", b.ID, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("insert booking %s: %w", b.ID, err)
	}
	return nil
}

// UpdateBooking writes every column of a booking but its id and creation time.
func UpdateBooking(ctx context.Context, q DBTX, b Booking) error {
	v := b.values()
	_, err := q.ExecContext(ctx, `UPDATE bookings SET reference = ?, status = ?, hotel_id = ?, supplier = ?,
		supplier_hotel_id = ?, offer_key = ?, offer = ?, query = ?, charge_amount = ?, charge_currency = ?,
		previous_charge_amount = ?, net_amount = ?, net_currency = ?, pay_at_hotel_amount = ?,
		pay_at_hotel_currency = ?, fx_rate = ?, margin_amount = ?, quote_expires_at = ?, title = ?, first_name = ?,
		last_name = ?, email = ?, phone = ?, arrival_time = ?, special_requests = ?, billing_address = ?,
		form_token = ?, details_saved_at = ?, supplier_reference = ?, payment_session_id = ?, payment_id = ?,
		card_brand = ?, card_last4 = ?, confirming_since = ?, work_until = ?, updated_at = ?
		WHERE id = ?`, append(append(v[1:len(v)-2:len(v)-2], v[len(v)-1]), b.ID)...)
	if IsDuplicate(err) {
		return fmt.Errorf("update booking %s: %w", b.ID, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("update booking %s: %w", b.ID, err)
	}
	return nil
}

func scanBooking(row *sql.Row, what string) (Booking, error) {
	var b Booking
	err := row.Scan(b.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return Booking{}, fmt.Errorf("booking %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return Booking{}, fmt.Errorf("booking %s: %w", what, err)
	}
	return b, nil
}

// GetBooking returns a booking by id.
func GetBooking(ctx context.Context, q DBTX, id string) (Booking, error) {
	return scanBooking(q.QueryRowContext(ctx, "SELECT "+bookingColumns+" FROM bookings WHERE id = ?", id), id)
}

// LockBooking returns a booking by id and locks its row until the
// transaction q ends.
func LockBooking(ctx context.Context, q DBTX, id string) (Booking, error) {
	return scanBooking(q.QueryRowContext(ctx, "SELECT "+bookingColumns+" FROM bookings WHERE id = ? FOR UPDATE", id), id)
}

// BookingIDBySession returns the id of the booking paid through a checkout session.
func BookingIDBySession(ctx context.Context, q DBTX, sessionID string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, "SELECT id FROM bookings WHERE payment_session_id = ?", sessionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("booking of session %s: %w", sessionID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("booking of session %s: %w", sessionID, err)
	}
	return id, nil
}

// BookingIDsInStatus lists up to limit bookings in one of statuses whose
// quote expired before the given time (a zero time means any), oldest first.
func BookingIDsInStatus(ctx context.Context, q DBTX, statuses []string, expiredBefore time.Time, limit int) ([]string, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	query := "SELECT id FROM bookings WHERE status IN (?" + repeat(", ?", len(statuses)-1) + ")"
	args := make([]any, 0, len(statuses)+2)
	for _, s := range statuses {
		args = append(args, s)
	}
	if !expiredBefore.IsZero() {
		query += " AND quote_expires_at < ?"
		args = append(args, expiredBefore.UTC())
	}
	query += " ORDER BY quote_expires_at, id LIMIT ?"
	args = append(args, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("bookings in %v: %w", statuses, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan booking id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bookings in %v: %w", statuses, err)
	}
	return ids, nil
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
