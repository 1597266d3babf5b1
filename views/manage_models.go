package views

import "github.com/a-h/templ"

// ManageFindView is the find-your-booking page: reference and email, or a
// link by email.
type ManageFindView struct {
	Meta        Meta
	Attribution string
	Reference   string
	Email       string
	// Errors are messages per field (422); Problem is the one-line answer
	// to a search that found nothing, the rate limit or an expired link.
	Errors  map[string]string
	Problem string
	// Notice is a neutral message ("we've emailed a link", "erased").
	Notice string
}

// ManageView is one booking as its guest manages it.
type ManageView struct {
	Meta        Meta
	Attribution string
	Booking     BookingView
	// BookingURL is the booking's own page.
	BookingURL string
	// CanCancel: confirmed and the stay has not begun.
	CanCancel bool
	// Notice and Problem report the last action.
	Notice  string
	Problem string
	// Refund describes a cancelled booking's refund ("SGD 120.00, on its way").
	Refund string
}

// ManageCancelView shows the exact fee and refund before the confirm button.
type ManageCancelView struct {
	Meta        Meta
	Attribution string
	Reference   string
	Stay        BookingStay
	Paid        string
	Fee         string
	Refund      string
	// FreeUntil words the free-cancellation deadline, if any.
	FreeUntil string
	Token     string
	// Changed says the fee changed since the customer last saw it.
	Changed bool
}

// ManageEraseView explains erasure and, when allowed, asks to confirm.
type ManageEraseView struct {
	Meta        Meta
	Attribution string
	Reference   string
	// Upcoming lists bookings that must be cancelled first (references).
	Upcoming []string
}

func findInvalid(v ManageFindView, name string) templ.Attributes {
	if v.Errors[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": errorID(name)}
}
