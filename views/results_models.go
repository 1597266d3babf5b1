package views

import "strconv"

// ResultsView is the results region of a valid search: what the pipeline holds now, the
// controls that filter, sort and page it, and (while suppliers are still answering) the live
// stream that fills it in.
type ResultsView struct {
	// Live is set while the search is incomplete: the page refreshes itself without
	// JavaScript, and StreamURL (when set) is the SSE stream htmx follows.
	Live      bool
	StreamURL string
	Status    ResultsStatus
	Filters   ResultsFilters
	// SortNote says how the list is ordered ("Sorted by lowest total price, taxes and fees
	// included").
	SortNote string
	Cards    []ResultCard
	// More is the next page, or the end of the list.
	More ResultsMore
	// Map is set for the map view (view=map) instead of the list.
	Map *ResultsMap
	// ListURL and MapURL switch between the two views.
	ListURL, MapURL string
}

// ResultsStatus is the line above the cards: progress, suppliers that failed, and the offer to
// re-sort when better prices arrived below what is shown.
type ResultsStatus struct {
	// Progress is "2 of 3 suppliers · 214 hotels"; Matched adds "· 57 match your filters"
	// when filters hide some.
	Progress string
	Matched  string
	// Notes name suppliers that failed or were skipped.
	Notes    []string
	Complete bool
	// BetterPrices counts hotels that arrived or got cheaper after the page was rendered and
	// would sort above cards already shown; ResortURL reloads the list in order.
	BetterPrices int
	ResortURL    string
}

// betterPricesText is "1 better price — re-sort" or "4 better prices — re-sort".
func (s ResultsStatus) betterPricesText() string {
	if s.BetterPrices == 1 {
		return "1 better price — re-sort"
	}
	return strconv.Itoa(s.BetterPrices) + " better prices — re-sort"
}

// ResultsFilters is the filter, sort and display form, pre-filled with the current choices.
// Stay holds the search itself as hidden fields so that the form reproduces it.
type ResultsFilters struct {
	Stay             []HiddenField
	Sort             string
	Currency         string
	Currencies       []string
	PerNight         bool
	Stars            []int
	MinPrice         string
	MaxPrice         string
	MinReview        string
	FreeCancellation bool
	Amenities        []Choice
	View             string
}

// HiddenField is a name and value carried by a form without being shown.
type HiddenField struct{ Name, Value string }

// Choice is one checkbox of a group.
type Choice struct {
	Value, Label string
	Checked      bool
}

// SortChoices are the orders of the sort select.
var SortChoices = []Choice{
	{Value: "price", Label: "Lowest total price"},
	{Value: "review", Label: "Best review score"},
	{Value: "stars", Label: "Most stars"},
	{Value: "distance", Label: "Closest to the centre"},
}

// ReviewChoices are the minimum review scores of the review select.
var ReviewChoices = []Choice{
	{Value: "", Label: "Any score"},
	{Value: "6", Label: "6+ Pleasant"},
	{Value: "7", Label: "7+ Good"},
	{Value: "8", Label: "8+ Very good"},
	{Value: "9", Label: "9+ Superb"},
}

func hasStar(stars []int, n int) bool {
	for _, s := range stars {
		if s == n {
			return true
		}
	}
	return false
}

// ResultCard is one hotel of a search's results.
type ResultCard struct {
	// ID is the element id ("hotel-123"): a card streamed again replaces itself.
	ID   string
	URL  string
	Name string
	// Stars is the whole star rating (0 when unrated).
	Stars int
	// Review is the score out of 10 ("8.6"), "" when unknown; ReviewCount its reviews.
	Review      string
	ReviewWord  string
	ReviewCount int
	Address     string
	// Distance is "1.2 km from the centre", "" without coordinates.
	Distance string
	// Image is the photo's URL ("" for none); Lazy defers loading below the first cards.
	Image string
	Lazy  bool
	// Price is the headline price: the total, or per night when asked; PriceNote says which.
	Price     string
	PriceNote string
	// Total is the whole stay when the headline is per night.
	Total string
	// PayAtHotel is the part of the total payable at the hotel, "" when none.
	PayAtHotel       string
	FreeCancellation bool
	// Quotes are every supplier's price, cheapest first.
	Quotes []SupplierQuote
}

// SupplierQuote is one supplier's price for a hotel.
type SupplierQuote struct {
	Supplier, Price string
	Cheapest        bool
}

// ResultsMore is what follows the cards: the next page as a link (htmx loads it when it comes
// into view), or the end of the list.
type ResultsMore struct {
	// URL is the next page; PartialURL the same for htmx, asking for the cards alone.
	URL, PartialURL string
	// Shown and Matched are "Showing 30 of 214".
	Shown, Matched int
	// PrevURL is the previous page for a page reached without JavaScript.
	PrevURL string
}

// ResultsMap is the map view: hotels plotted by coordinates in an SVG.
type ResultsMap struct {
	Width, Height int
	Pins          []MapPin
	// CenterX, CenterY place the destination's centre; HasCenter when it is on the map.
	CenterX, CenterY int
	HasCenter        bool
	// Missing counts hotels without coordinates, not drawn.
	Missing int
}

// MapPin is one hotel on the map.
type MapPin struct {
	X, Y  int
	Name  string
	Price string
	URL   string
}

// ResultsMoreView is the reply to "load more": the next cards and the next sentinel.
type ResultsMoreView struct {
	Cards []ResultCard
	More  ResultsMore
}

// ResultsUpdate is one message of the results stream: cards to place (replacing a shown card
// with the same id, or joining at the end of the list), cards to refresh only where shown, and
// the status line.
type ResultsUpdate struct {
	Place   []ResultCard
	Refresh []ResultCard
	Status  ResultsStatus
}
