package views

// AdminCatalogView is the queue of doubtful matches.
type AdminCatalogView struct {
	Shell AdminShell
	Rows  []AdminReviewRow
	Total int
	Flash string
}

// AdminReviewRow is one open review in the queue.
type AdminReviewRow struct {
	Href, Destination, A, B, Score, Distance string
}

// AdminReviewView is one review: both supplier hotels side by side.
type AdminReviewView struct {
	Shell       AdminShell
	Destination string
	Status      string
	Decided     string
	Score       string
	Distance    string
	Together    bool
	A, B        AdminReviewSide
	Map         AdminPairMap
	Actions     []AdminLink
	Flash       string
}

// AdminReviewSide is one supplier hotel's content as the supplier gives it.
type AdminReviewSide struct {
	Label, Supplier, SupplierID string
	Found                       bool
	Name, Address, Coordinates  string
	Stars                       string
	Images                      []Image
	HotelID, HotelHref          string
}

// AdminPairMap is the review map: two points in a Width × Height viewBox
// and a scale bar from x 10 to ScaleX2 (zero Width: no map).
type AdminPairMap struct {
	Width, Height     int
	AX, AY, BX, BY    int
	ScaleX2           int
	Label, ScaleLabel string
}
