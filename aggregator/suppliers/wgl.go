package suppliers

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// wgl speaks OTA-style XML in USD: each request message is POSTed to
// /<root element name>; business errors come back in <Errors>.
type wgl struct {
	t *transport
}

func (w *wgl) Name() string { return w.t.name }

// send POSTs one OTA request message and returns the body of a 2xx answer;
// a 4xx answer is mapped by the <Errors> it carries (ErrInvalid when it
// carries none we can read).
func (w *wgl) send(ctx context.Context, op, message string, rq any) ([]byte, error) {
	b, err := xml.Marshal(rq)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", w.t.name, op, err)
	}
	body := append([]byte(xml.Header), b...)
	r, err := w.t.call(ctx, op, http.MethodPost, "/"+message, body, "application/xml; charset=utf-8")
	if err != nil {
		return nil, err
	}
	switch {
	case r.status >= 400:
		var rs otaRSX // any root element: only <Errors> matters here
		if xml.Unmarshal(r.body, &rs) == nil && rs.err() != nil {
			return nil, fmt.Errorf("%s %s: status %d: %w", w.t.name, op, r.status, rs.err())
		}
		return nil, fmt.Errorf("%s %s: %w: status %d", w.t.name, op, ErrInvalid, r.status)
	case r.status < 200 || r.status >= 300:
		return nil, fmt.Errorf("%s %s: %w: status %d", w.t.name, op, ErrBadResponse, r.status)
	}
	return r.body, nil
}

// wrap adds the supplier and operation to a decoder's error.
func (w *wgl) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", w.t.name, op, err)
}

func (w *wgl) Hotels(ctx context.Context, destinationUID string) ([]Hotel, error) {
	rq := otaDescriptiveRQX{Xmlns: otaNamespace, Version: "1.0"}
	rq.Infos = append(rq.Infos, struct {
		HotelCityCode string `xml:"HotelCityCode,attr,omitempty"`
		HotelCode     string `xml:"HotelCode,attr,omitempty"`
	}{HotelCityCode: destinationUID})
	body, err := w.send(ctx, "hotels", "OTA_HotelDescriptiveInfoRQ", rq)
	if err != nil {
		return nil, err
	}
	hs, err := decodeWGLDescriptive(body)
	return hs, w.wrap("hotels", err)
}

// availRQ builds an OTA_HotelAvailRQ for a query and one hotel reference.
func wglAvailRQ(q Query, ref otaHotelRefX) otaAvailRQX {
	rq := otaAvailRQX{Xmlns: otaNamespace, Version: "1.0"}
	rq.Segments = make([]struct {
		StayDateRange otaTimeSpanX            `xml:"StayDateRange"`
		Candidates    []otaRoomStayCandidateX `xml:"RoomStayCandidates>RoomStayCandidate"`
		HotelRefs     []otaHotelRefX          `xml:"HotelSearchCriteria>Criterion>HotelRef"`
	}, 1)
	seg := &rq.Segments[0]
	seg.StayDateRange = otaTimeSpanX{Start: date(q.Checkin), End: date(q.Checkout)}
	seg.Candidates = []otaRoomStayCandidateX{{Quantity: q.Rooms, GuestCounts: wglGuestCounts(q)}}
	seg.HotelRefs = []otaHotelRefX{ref}
	return rq
}

// wglGuestCounts is one room's guests: code 10 adults, code 8 a child with
// its age.
func wglGuestCounts(q Query) []otaGuestCountX {
	gc := []otaGuestCountX{{AgeQualifyingCode: "10", Count: strconv.Itoa(q.Adults)}}
	for _, a := range q.ChildrenAges {
		gc = append(gc, otaGuestCountX{AgeQualifyingCode: "8", Age: strconv.Itoa(a), Count: "1"})
	}
	return gc
}

func (w *wgl) avail(ctx context.Context, op string, q Query, ref otaHotelRefX) ([][]Offer, error) {
	if err := validQuery(q); err != nil {
		return nil, w.wrap(op, err)
	}
	body, err := w.send(ctx, op, "OTA_HotelAvailRQ", wglAvailRQ(q, ref))
	if err != nil {
		return nil, err
	}
	hotels, err := decodeWGLAvail(body)
	return hotels, w.wrap(op, err)
}

func (w *wgl) Availability(ctx context.Context, q Query, emit func([]HotelPrice)) error {
	hotels, err := w.avail(ctx, "availability", q, otaHotelRefX{HotelCityCode: q.DestinationUID})
	if err != nil {
		return err
	}
	now := time.Now()
	var batch []HotelPrice
	for _, offers := range hotels {
		if hp, ok := cheapest(offers, now); ok {
			batch = append(batch, hp)
		}
	}
	if len(batch) > 0 {
		emit(batch)
	}
	return nil
}

func (w *wgl) Offers(ctx context.Context, supplierHotelID string, q Query) ([]Offer, error) {
	hotels, err := w.avail(ctx, "offers", q, otaHotelRefX{HotelCode: supplierHotelID})
	if err != nil {
		return nil, err
	}
	out := []Offer{}
	for _, offers := range hotels {
		for _, o := range offers {
			if o.SupplierHotelID == supplierHotelID {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// PriceCheck asks for the hotel's rates again: wgl has no price-check
// message, so a rate that is gone is ErrSoldOut and another total is
// ErrPriceChanged.
func (w *wgl) PriceCheck(ctx context.Context, q Query, o Offer) (Offer, error) {
	offers, err := w.Offers(ctx, o.SupplierHotelID, q)
	if err != nil {
		return Offer{}, err
	}
	return recheck(w.t.name, o, offers)
}

func (w *wgl) Book(ctx context.Context, req BookRequest) (Booking, error) {
	if err := validReference(req.Reference); err != nil {
		return Booking{}, w.wrap("book", err)
	}
	if err := validQuery(req.Query); err != nil {
		return Booking{}, w.wrap("book", err)
	}
	hotel, room, plan, ok := parseWGLKey(req.Offer.Key)
	if !ok {
		return Booking{}, w.wrap("book", fmt.Errorf("%w: offer key %q is not a wgl key", ErrInvalid, req.Offer.Key))
	}
	rq := otaResRQX{Xmlns: otaNamespace, Version: "1.0"}
	rq.Reservations = make([]struct {
		UniqueID  otaUniqueIDX      `xml:"UniqueID"`
		RoomStays []otaResRoomStayX `xml:"RoomStays>RoomStay"`
		ResGuests []otaResGuestX    `xml:"ResGuests>ResGuest"`
		Comment   string            `xml:"ResGlobalInfo>Comments>Comment>Text,omitempty"`
	}, 1)
	res := &rq.Reservations[0]
	res.UniqueID = otaUniqueIDX{Type: "14", ID: req.Reference}
	var st otaResRoomStayX
	st.RoomTypes = append(st.RoomTypes, struct {
		RoomTypeCode  string `xml:"RoomTypeCode,attr"`
		NumberOfUnits int    `xml:"NumberOfUnits,attr"`
	}{room, req.Query.Rooms})
	st.RatePlans = append(st.RatePlans, struct {
		RatePlanCode string `xml:"RatePlanCode,attr"`
	}{plan})
	st.GuestCounts = wglGuestCounts(req.Query)
	st.TimeSpan = otaTimeSpanX{Start: date(req.Query.Checkin), End: date(req.Query.Checkout)}
	st.Property = otaHotelRefX{HotelCode: hotel}
	res.RoomStays = []otaResRoomStayX{st}
	res.ResGuests = []otaResGuestX{{GivenName: req.Guest.FirstName, Surname: req.Guest.LastName, Email: req.Guest.Email}}
	res.Comment = req.SpecialRequests
	body, err := w.send(ctx, "book", "OTA_HotelResRQ", rq)
	if err != nil {
		return Booking{}, err
	}
	b, err := decodeWGLRes(body)
	return b, w.wrap("book", err)
}

func (w *wgl) Retrieve(ctx context.Context, reference string) (Booking, error) {
	if err := validReference(reference); err != nil {
		return Booking{}, w.wrap("retrieve", err)
	}
	rq := otaReadRQX{Xmlns: otaNamespace, Version: "1.0", UniqueIDs: []otaUniqueIDX{{Type: "14", ID: reference}}}
	body, err := w.send(ctx, "retrieve", "OTA_ReadRQ", rq)
	if err != nil {
		return Booking{}, err
	}
	b, err := decodeWGLRead(body)
	return b, w.wrap("retrieve", err)
}

func (w *wgl) cancel(ctx context.Context, op, typ, reference string) (Cancellation, error) {
	if err := validReference(reference); err != nil {
		return Cancellation{}, w.wrap(op, err)
	}
	rq := otaCancelRQX{Xmlns: otaNamespace, Version: "1.0", CancelType: typ, UniqueID: otaUniqueIDX{Type: "14", ID: reference}}
	body, err := w.send(ctx, op, "OTA_CancelRQ", rq)
	if err != nil {
		return Cancellation{}, err
	}
	c, err := decodeWGLCancel(body)
	if err != nil {
		return Cancellation{}, w.wrap(op, err)
	}
	if c.Reference == "" {
		c.Reference = reference
	}
	return c, nil
}

func (w *wgl) CancellationFee(ctx context.Context, reference string) (Money, error) {
	c, err := w.cancel(ctx, "cancellation fee", "Initiate", reference)
	return c.Fee, err
}

func (w *wgl) Cancel(ctx context.Context, reference string) (Cancellation, error) {
	return w.cancel(ctx, "cancel", "Commit", reference)
}
