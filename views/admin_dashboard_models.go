package views

// AdminDashboardView is the operations dashboard of one UTC day.
type AdminDashboardView struct {
	Shell              AdminShell
	Day                string
	Today              bool
	PrevHref, NextHref string
	// Started counts bookings created that day; Confirmed, those now
	// confirmed; Cancelled, those since cancelled.
	Started, Confirmed, Cancelled int64
	Currencies                    []AdminDashCurrency
	Searches                      int64
	LookToBook                    string
	CacheHits, CacheMisses        int64
	CacheRatio                    string
	Failed                        []AdminDashBooking
	StuckCount                    int64
	Stuck                         []AdminDashBooking
	Chart                         SVGChart
}

// AdminDashCurrency is one charge currency's confirmed bookings.
type AdminDashCurrency struct {
	Currency        string
	Bookings        int64
	Revenue, Margin string
}

// AdminDashBooking is one booking listed on the dashboard.
type AdminDashBooking struct {
	Reference, Href, Status, Amount, Created string
}

// AdminLiveEventView is one booking event in the live list.
type AdminLiveEventView struct {
	Reference, Href, Status, Supplier, Amount, At string
	Failed                                        bool
}
