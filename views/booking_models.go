package views

import "github.com/a-h/templ"

// BookingView is one booking's page: what it shows depends on Status
// (price_changed, quoted, details, awaiting_payment, confirming, confirmed,
// failed, expired, cancelled).
type BookingView struct {
	Meta        Meta
	Attribution string
	ID          string
	Status      string
	Reference   string
	Stay        BookingStay
	// Total is what the customer pays (to us, now and at the hotel together);
	// PayNow the part charged by card, PayAtHotel the rest.
	Total      string
	PayNow     string
	PayAtHotel string
	// OldTotal is the price shown before a re-check changed it.
	OldTotal string
	// HoldUntil says until when the quote holds ("14:35 UTC").
	HoldUntil string
	// Notice is a one-line message about the last step ("Your payment was
	// not completed…").
	Notice string
	// Form is the guest details form (quoted bookings).
	Form DetailsForm
	// Confirmation fields.
	SupplierReference string
	Supplier          string
	Card              string
	Guest             string
	Email             string
	// RoomsURL leads back to the hotel's other offers for the same stay.
	RoomsURL string
	// Refresh asks the browser to reload in a few seconds (confirming).
	Refresh bool
}

// BookingStay is the hotel, room and dates of a booking.
type BookingStay struct {
	HotelName    string
	HotelURL     string
	Address      string
	RoomName     string
	Board        string
	Rooms        string // "1 room", "2 rooms"
	Guests       string // "2 adults per room"
	Checkin      string // "Mon 2 Mar 2026"
	Checkout     string
	Nights       string // "3 nights"
	CheckInTime  string // "from 14:00"
	CheckOutTime string // "until 12:00"
	Cancellation string // the policy in words
	Deadline     string // the free-cancellation deadline detail
}

// DetailsForm is the guest details form with what was typed and the
// server's messages per field.
type DetailsForm struct {
	Action string
	Token  string
	Values map[string]string
	Errors map[string]string
	Titles []string
}

func (f DetailsForm) value(name string) string { return f.Values[name] }

func (f DetailsForm) invalidAttrs(name string) templ.Attributes {
	if f.Errors[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": errorID(name)}
}

// BookingProblemView explains why a booking could not go on (the offer
// expired, the room sold out, the supplier did not answer) and where to go.
type BookingProblemView struct {
	Meta        Meta
	Attribution string
	Heading     string
	Message     string
	// BackURL and BackText lead to the hotel's other offers or the search.
	BackURL  string
	BackText string
	// RetryOffer, when set, offers to try the same offer again.
	RetryOffer string
}
