package suppliersim

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Inventory errors; dialects translate them into their own error answers.
var (
	ErrSoldOut         = errors.New("sold out")
	ErrBookingNotFound = errors.New("booking not found")
)

// invKey is one room type of one hotel on one night.
type invKey struct {
	hotel string
	room  int
	night string
}

// guest is the lead guest of a booking.
type guest struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email,omitempty"`
}

// booking is a reservation held by one supplier under our reference.
type booking struct {
	supplier    string
	reference   string // ours
	supplierRef string
	sh          *supplierHotel
	ri, pi      int
	stay        stay
	occ         occupancy
	q           quote
	holder      guest
	status      string // confirmed | cancelled
	cancelFee   int64
}

// inventory holds allotments and bookings; one mutex makes "check every night, then take every
// night" atomic, so the last room is never sold twice.
type inventory struct {
	k        keyed
	mu       sync.Mutex
	taken    map[invKey]int
	set      map[invKey]int // allotment overrides (admin)
	bookings map[string]*booking
}

func newInventory(k keyed) *inventory {
	return &inventory{k: k, taken: map[invKey]int{}, set: map[invKey]int{}, bookings: map[string]*booking{}}
}

// allotment is the number of rooms on sale for a night before bookings (deterministic).
func (inv *inventory) allotment(h *hotel, ri int, night string) int {
	if n, ok := inv.set[invKey{h.worldID, ri, night}]; ok {
		return n
	}
	if inv.k.unit("closed", h.worldID, itoa(ri), night) < 0.06 {
		return 0
	}
	return max(1, h.rooms[ri].allot+inv.k.between(-1, 2, "allot", h.worldID, itoa(ri), night))
}

// available is how many rooms of a type can be sold for every night of a stay.
func (inv *inventory) available(h *hotel, ri int, s stay) int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.availableLocked(h, ri, s)
}

func (inv *inventory) availableLocked(h *hotel, ri int, s stay) int {
	least := -1
	for n := 0; n < s.nights; n++ {
		night := s.night(n).Format(time.DateOnly)
		free := inv.allotment(h, ri, night) - inv.taken[invKey{h.worldID, ri, night}]
		if least < 0 || free < least {
			least = free
		}
	}
	return max(0, least)
}

// setAllotment overrides the allotment of every room type of a hotel on a night.
func (inv *inventory) setAllotment(h *hotel, night string, rooms int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for ri := range h.rooms {
		inv.set[invKey{h.worldID, ri, night}] = rooms + inv.taken[invKey{h.worldID, ri, night}]
	}
}

func bookingKey(supplier, reference string) string { return supplier + "\x00" + reference }

// book takes the rooms of every night atomically. A reference seen before returns the first
// booking and created=false, whatever the new request asked for.
func (inv *inventory) book(b *booking) (_ *booking, created bool, _ error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if old, ok := inv.bookings[bookingKey(b.supplier, b.reference)]; ok {
		return old, false, nil
	}
	h := b.sh.hotel
	if inv.availableLocked(h, b.ri, b.stay) < b.occ.rooms() {
		return nil, false, fmt.Errorf("book %s at %s: %w", b.reference, b.supplier, ErrSoldOut)
	}
	for n := 0; n < b.stay.nights; n++ {
		inv.taken[invKey{h.worldID, b.ri, b.stay.night(n).Format(time.DateOnly)}] += b.occ.rooms()
	}
	b.status = "confirmed"
	b.supplierRef = inv.supplierRef(b.supplier, b.reference)
	inv.bookings[bookingKey(b.supplier, b.reference)] = b
	return b, true, nil
}

// supplierRef is the supplier's own confirmation number for our reference.
func (inv *inventory) supplierRef(supplier, reference string) string {
	v := inv.k.sum("booking-ref", supplier, reference)
	switch supplier {
	case Bedcom:
		return fmt.Sprintf("%d-%07d", 100+v%900, (v>>16)%10_000_000)
	case WGL:
		return fmt.Sprintf("WR%010d", v%10_000_000_000)
	}
	return encode62(v%(ascenda4*ascenda4), 8)
}

// find returns a copy of a booking by our reference or the supplier's.
func (inv *inventory) find(supplier, ref string) (booking, error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if b, ok := inv.bookings[bookingKey(supplier, ref)]; ok {
		return *b, nil
	}
	for _, b := range inv.bookings {
		if b.supplier == supplier && b.supplierRef == ref {
			return *b, nil
		}
	}
	return booking{}, fmt.Errorf("find %s at %s: %w", ref, supplier, ErrBookingNotFound)
}

// cancel cancels a booking at time now and gives its rooms back; cancelling twice returns the
// first cancellation.
func (inv *inventory) cancel(supplier, ref string, now time.Time) (booking, error) {
	found, err := inv.find(supplier, ref)
	if err != nil {
		return booking{}, err
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	b := inv.bookings[bookingKey(supplier, found.reference)]
	if b.status == "cancelled" {
		return *b, nil
	}
	h := b.sh.hotel
	for n := 0; n < b.stay.nights; n++ {
		inv.taken[invKey{h.worldID, b.ri, b.stay.night(n).Format(time.DateOnly)}] -= b.occ.rooms()
	}
	b.status, b.cancelFee = "cancelled", b.q.feeAt(now)
	return *b, nil
}
