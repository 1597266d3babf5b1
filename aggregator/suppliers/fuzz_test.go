package suppliers

import (
	"testing"
)

// Fuzz targets for every decoder: garbage must never panic, and whatever is
// decoded keeps the invariants the rest of Lobang relies on. Seed corpora
// live in testdata/fuzz (written by TestWriteFuzzSeeds from the simulator
// and the payloads of the decoding tests).

func checkHotels(t *testing.T, hs []Hotel) {
	for _, h := range hs {
		if h.SupplierHotelID == "" {
			t.Fatal("hotel without id")
		}
		if h.HasGeo && (h.Lat < -90 || h.Lat > 90 || h.Lng < -180 || h.Lng > 180) {
			t.Fatalf("coordinates out of range: %v,%v", h.Lat, h.Lng)
		}
		if h.Stars < 0 || h.Stars > 5 || h.ReviewScore < 0 || h.ReviewScore > 10 {
			t.Fatalf("stars %v review %v", h.Stars, h.ReviewScore)
		}
		for _, a := range h.Amenities {
			if _, ok := AmenityByKey(a); !ok {
				t.Fatalf("amenity %q outside the vocabulary", a)
			}
		}
		if len(h.Images) > maxImages {
			t.Fatalf("%d images", len(h.Images))
		}
	}
}

func checkOffers(t *testing.T, offers []Offer) {
	for _, o := range offers {
		if o.Key == "" || o.Total.Amount <= 0 || o.Total.Currency == "" {
			t.Fatalf("unusable offer %+v", o)
		}
		if o.PayAtHotel.Amount < 0 || o.PayAtHotel.Amount > o.Total.Amount || o.PayAtHotel.Currency != o.Total.Currency {
			t.Fatalf("pay at hotel %v of %v", o.PayAtHotel, o.Total)
		}
	}
}

func FuzzAscendaHotels(f *testing.F) {
	f.Add([]byte(ascHotelsPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := decodeAscendaHotels(b)
		if err == nil {
			checkHotels(t, hs)
		}
	})
}

func FuzzAscendaPrices(f *testing.F) {
	f.Add([]byte(ascPricesPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _, err := decodeAscendaPrices(b, "SGD")
		for _, p := range ps {
			if err != nil || p.SupplierHotelID == "" || p.Total.Amount <= 0 {
				t.Fatalf("bad price %+v (%v)", p, err)
			}
		}
	})
}

func FuzzAscendaRooms(f *testing.F) {
	f.Add([]byte(ascRoomsPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		offers, _, err := decodeAscendaRooms(b, "h", "SGD")
		if err == nil {
			checkOffers(t, offers)
		}
	})
}

func FuzzAscendaBooking(f *testing.F) {
	f.Add([]byte(`{"booking_id":"A1","reference":"LB-1","status":"confirmed","price":"10.5","cancellation_fee":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		bk, _, err := decodeAscendaBooking(b, "SGD")
		if err == nil && bk.Reference == "" {
			t.Fatal("booking without reference")
		}
	})
}

func FuzzBedcomHotels(f *testing.F) {
	f.Add([]byte(bcHotelsPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, _, err := decodeBedcomHotels(b)
		if err == nil {
			checkHotels(t, hs)
		}
	})
}

func FuzzBedcomAvailability(f *testing.F) {
	f.Add([]byte(bcAvailPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		hotels, err := decodeBedcomAvailability(b)
		if err != nil {
			return
		}
		for _, offers := range hotels {
			checkOffers(t, offers)
		}
		if _, err := decodeBedcomCheck(b); err == nil {
			return
		}
	})
}

func FuzzBedcomBooking(f *testing.F) {
	f.Add([]byte(`{"booking":{"reference":"1-2","clientReference":"LB-1","status":"CONFIRMED","totalSellingRate":"9.99"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		bk, _, err := decodeBedcomBooking(b)
		if err == nil && bk.Reference == "" && bk.SupplierReference == "" {
			t.Fatal("booking without reference")
		}
	})
}

func FuzzWGLDescriptive(f *testing.F) {
	f.Add([]byte(wglDescriptivePayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := decodeWGLDescriptive(b)
		if err == nil {
			checkHotels(t, hs)
		}
	})
}

func FuzzWGLAvail(f *testing.F) {
	f.Add([]byte(wglAvailPayload))
	f.Fuzz(func(t *testing.T, b []byte) {
		hotels, err := decodeWGLAvail(b)
		if err != nil {
			return
		}
		for _, offers := range hotels {
			checkOffers(t, offers)
		}
	})
}

func FuzzWGLRes(f *testing.F) {
	f.Add([]byte(`<OTA_HotelResRS><HotelReservations><HotelReservation ResStatus="Reserved"><UniqueID Type="14" ID="LB-1"/></HotelReservation></HotelReservations></OTA_HotelResRS>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		bk, err := decodeWGLRes(b)
		if err == nil && bk.Reference == "" {
			t.Fatal("booking without reference")
		}
		if bk, err := decodeWGLRead(b); err == nil && bk.Reference == "" {
			t.Fatal("read without reference")
		}
		if _, err := decodeWGLCancel(b); err == nil {
			return
		}
	})
}
