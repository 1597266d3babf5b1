package views

// AdminShell is what every staff page shows around its content: who is
// signed in (empty on the login and enrolment pages) and their role.
type AdminShell struct {
	Meta       Meta
	StaffEmail string
	Role       string
	// Nav lists the sections this member of staff may open.
	Nav []AdminLink
}

// AdminLink is one link of the staff navigation.
type AdminLink struct {
	Label, Href string
	Current     bool
}

// AdminLoginView is the staff login form.
type AdminLoginView struct {
	Shell AdminShell
	Email string
	Error string
}

// AdminEnrolView is the enrolment page: the TOTP secret as a QR code (a
// PNG data: URL) and as text, and the form that sets the password.
type AdminEnrolView struct {
	Shell     AdminShell
	Email     string
	Secret    string
	QRDataURL string
	Action    string
	Error     string
	// RecoveryCodes, once enrolment is done, are shown this once.
	RecoveryCodes []string
}

// AdminBookingsView is the bookings desk's list.
type AdminBookingsView struct {
	Shell    AdminShell
	Query    AdminBookingQuery
	Statuses []string
	Sups     []string
	Rows     []AdminBookingRow
	Total    int
	Page     int
	PrevHref string
	NextHref string
	Sorts    []AdminLink
}

// AdminBookingQuery is the desk's search form as submitted.
type AdminBookingQuery struct {
	Q, Status, Supplier, From, To, Sort string
}

// AdminBookingRow is one booking in the desk's list.
type AdminBookingRow struct {
	Href, Reference, Status, Guest, Email, Hotel, Supplier, Checkin, Amount, Created string
}

// AdminBookingView is one booking on the desk.
type AdminBookingView struct {
	Shell     AdminShell
	Reference string
	Status    string
	Flag      string
	Facts     [][2]string // label, value
	Timeline  []AdminEvent
	Payment   [][2]string
	PayError  string
	Refunds   []AdminRefund
	Requests  []AdminRefundRequest
	Emails    []AdminEmail
	Notes     []AdminNote
	Actions   []AdminLink
	Flash     string
}

// AdminEvent is one line of a booking's timeline.
type AdminEvent struct{ At, From, To, Cause string }

// AdminRefund is one refund of a booking.
type AdminRefund struct{ Reason, Amount, Status, ProviderID, Error string }

// AdminRefundRequest is a staff refund request.
type AdminRefundRequest struct{ Href, Amount, Status, Reason, RequestedBy, RequestedAt string }

// AdminEmail is one outbox message of a booking.
type AdminEmail struct{ Href, Kind, To, Status, Attempts, NextAt string }

// AdminNote is an internal note.
type AdminNote struct{ At, By, Body string }

// AdminConfirmView is the confirmation step of a staff action: what will
// happen, then a form that posts it with a one-time token.
type AdminConfirmView struct {
	Shell   AdminShell
	Title   string
	Lines   []string
	Action  string
	Token   string
	Quote   string // the cancellation quote the action holds to
	Button  string
	Back    string
	Error   string
	Note    bool   // ask for a note's text
	Amount  bool   // ask for an amount and a reason
	Value   string // the amount or note typed before
	Reason  string
	Decide  bool // approve or reject buttons instead of one
	Blocked bool // the action cannot go ahead: no form
}

// AdminAuditView is the audit log screen.
type AdminAuditView struct {
	Shell                           AdminShell
	Staff, Action, Object, From, To string
	Entries                         []AdminAuditEntry
	PrevHref, NextHref              string
}

// AdminAuditEntry is one audit entry.
type AdminAuditEntry struct{ At, Staff, Action, Object, IP, Before, After string }

// AdminOutboxView is the outbox screen.
type AdminOutboxView struct {
	Shell              AdminShell
	Status             string
	Statuses           []string
	Messages           []AdminOutboxRow
	PrevHref, NextHref string
}

// AdminOutboxRow is one outbox message in the list.
type AdminOutboxRow struct {
	Href, ID, Booking, BookingHref, Kind, To, Subject, Status, Attempts, NextAt, Created string
}

// AdminOutboxMessageView previews one message as the .eml it becomes.
type AdminOutboxMessageView struct {
	Shell      AdminShell
	Row        AdminOutboxRow
	EML        string
	Error      string
	ResendHref string
}

// AdminStaffView lists the staff accounts.
type AdminStaffView struct {
	Shell AdminShell
	Users [][4]string // email, role, status, enrolled
}
