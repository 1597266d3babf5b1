package views

// RoomsView is the live room offers of one hotel for one stay: private, never cached.
type RoomsView struct {
	Meta        Meta
	Attribution string
	HotelName   string
	HotelURL    string
	// Summary describes the stay ("3–5 Mar · 2 adults · prices in SGD").
	Summary string
	Rooms   []RoomOffers
	// Missing names the suppliers without an answer, in words ("wgl did not answer in time").
	Missing []string
	// Problems are validation messages (status 422); when present there are no offers.
	Problems []string
	// StayURL is the hotel page with this stay, to change the dates.
	StayURL string
}

// RoomOffers is one room type and every rate for it, cheapest first.
type RoomOffers struct {
	Name  string
	Rates []Rate
}

// Rate is one bookable rate: its conditions and price, and the opaque id the Book form posts.
type Rate struct {
	OfferID  string
	Supplier string
	Board    string
	// Cancellation is the policy in one line; Deadline says the free-cancellation deadline
	// in the hotel's time and in UTC when there is one.
	Cancellation string
	Deadline     string
	FreeCancel   bool
	// Payment says when the customer pays ("Pay now", "Pay at the hotel", "Pay SGD 20.00 at the hotel").
	Payment string
	// Total is the whole stay with taxes and fees; PayAtHotel the part paid there ("" when none).
	Total, PayAtHotel string
	// Fees itemises taxes and fees ("City tax SGD 12.00 (at the hotel)").
	Fees []string
}
