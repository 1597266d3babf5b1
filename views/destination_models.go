package views

// DestinationView is a destination's landing page: its hotels from the catalog, a page at a
// time, and the search form set to it.
type DestinationView struct {
	Meta        Meta
	Attribution string
	Name        string
	// Context is "Region, Country".
	Context string
	Form    SearchForm
	Hotels  []HotelCard
	// Total is the number of hotels; Pending is set when the catalog has none yet.
	Total   int
	Pending bool
	Sorts   []Link
	// Prev and Next are the neighbouring pages ("" at the ends); Pages numbers every page.
	Prev, Next string
	Pages      []Link
}

// HotelCard is a hotel in a destination listing.
type HotelCard struct {
	Name, URL, Address string
	Stars              int
	StarsText          string
	ReviewScore        string
	ReviewCount        int
	Image              Image
}
