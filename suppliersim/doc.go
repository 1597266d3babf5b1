// Package suppliersim is Lobang's simulated supplier world: one deterministic world of real
// destinations (package destinations) and generated hotels, served over HTTP by three suppliers
// that each speak their own dialect, price in their own currency and answer at their own speed.
// Lobang's adapters know these suppliers only by their wire format, exactly as they would know
// real ones; nothing outside tests imports this package except the command that serves it.
//
// # World
//
// Everything derives from the seed by keyed hashes (FNV-1a + splitmix into PCG sources): the
// same seed gives the same hotels, ids, content and prices on every machine; no wall clock
// enters content. A destination's hotels are generated on its first request and kept. Their
// number scales with population (3 + population/10,000, at most 360). Each supplier carries
// 60–85% of a destination's hotels under its own ids: ascenda 4 base62 characters ("qKAa"),
// bedcom numbers (3667065), wgl "WGL" + 8 digits. Names differ per supplier (ascenda keeps the
// canonical name, bedcom often shouts it without the article, wgl shortens and folds it),
// coordinates differ by up to 150 m between any two suppliers and are sometimes missing,
// amenities use each supplier's vocabulary, descriptions and images are each supplier's own.
//
// Hard mapping cases, planted in every destination with at least 10 hotels (hotel indexes 3–8
// of the destination; GET /_sim/truth lists them under "cases"):
//   - brand_twin: two different hotels of one brand family 40–140 m apart, e.g.
//     "Holiday Inn Express Riverside" and "Holiday Inn Riverside City Centre"; every supplier
//     carries both.
//   - renamed: one supplier still shows the hotel's former, unrelated name.
//   - transliterated: each supplier romanises the name differently ("Hotel Kōrakuen" /
//     "Hotel Korakuen" / "Hotel Kourakuen", "Hotel Königshof" / "Hotel Koenigshof", Pinyin vs
//     Wade-Giles, …).
//   - single_supplier: two hotels exist at one supplier only (besides those that random coverage
//     leaves at one supplier).
//
// # Dialects
//
// ascenda (JSON, GET, SGD), the Ascenda hotel API:
//   - GET /ascenda/api/hotels?destination_id=UID: bare array of static hotels; unknown id → 200 [].
//   - GET /ascenda/api/hotels/{id}: one static hotel; 404 {"error","message"} when unknown.
//   - GET /ascenda/api/hotels/prices?destination_id&checkin&checkout&guests[&currency&lang&country_code&partner_id]:
//     {searchCompleted, completed, status, currency, hotels[]}; poll the same URL until completed
//     (the search session is keyed by the query; hotels appear as time passes).
//   - GET /ascenda/api/hotels/{id}/price?checkin&checkout&guests[&currency…]: {…, rooms[]} with a
//     stateless room "key" (the envelope's currency is null, as the real API answers) and our
//     addition "cancellation_policy" {free_cancellation_until, description, penalties[{from,amount}]}.
//   - POST /ascenda/api/bookings {"key","reference","guest":{first_name,last_name,email}} → 201
//     booking; a reference seen before → 200 with the first booking; sold out → 409 {"error":"sold_out"}.
//   - GET /ascenda/api/bookings/{reference}: the booking; cancellation_fee is the fee if cancelled now.
//   - POST /ascenda/api/bookings/{reference}/cancel: cancels (idempotent), cancellation_fee charged.
//
// guests is adults per room separated by "|" ("2|2"); dates are YYYY-MM-DD, 1–30 nights, not in
// the past. Errors: 400/404/409 with {"error": code, "message": text}. Quirks kept from the real
// API: trustyou scores null (with id null and kaligo_overall 0), image_details.count 0,
// HTML in descriptions, checkin_time empty or missing, coverted_max_cash_payment.
//
// bedcom (JSON, EUR): POST /bedcom/hotels {"destination"|"codes","from","to"} (paged, 1-based,
// ≤1000 per page); POST /bedcom/availability {"stay":{checkIn,checkOut},"occupancies":[{rooms,
// adults,children,paxes:[{type:"CH",age}]}],"destination":{"code":UID}} or "hotels":{"hotel":[codes]};
// rates carry rateKey, rateClass NOR|NRF, rateType BOOKABLE|RECHECK, net (what Lobang pays) and
// sellingRate (recommended public price incl. taxes; hotelMandatory = not to be undercut),
// allotment, cancellationPolicies [{amount,from}], taxes {allIncluded, taxes[{included,…}]}
// (included=false taxes are payable at the hotel). POST /bedcom/checkrates {"rooms":[{"rateKey"}]}
// returns the current price and a BOOKABLE rateKey; booking a RECHECK key is 409
// RATE_RECHECK_REQUIRED. POST /bedcom/bookings {"holder":{name,surname},"rooms":[{"rateKey",
// "paxes"}],"clientReference","remark"} → 200 {"booking":{reference,clientReference,status
// CONFIRMED|CANCELLED,…}}; a clientReference seen before returns the original booking.
// GET /bedcom/bookings/{ref} (ours or theirs); DELETE /bedcom/bookings/{ref}?cancellationFlag=
// SIMULATION (fee preview in cancellationAmount, nothing changes) | CANCELLATION (default).
// Errors: {"error":{"code","message"}}: 400 INVALID_REQUEST / INVALID_RATEKEY, 404
// BOOKING_NOT_FOUND, 409 INSUFFICIENT_ALLOTMENT (sold out) / RATE_RECHECK_REQUIRED, 429
// RATE_LIMIT_EXCEEDED, 503 SYSTEM_ERROR.
//
// wgl (OTA-style XML, USD), POST the request message to /wgl/<root element name>:
// OTA_HotelDescriptiveInfoRQ (HotelDescriptiveInfo HotelCityCode=UID or HotelCode) →
// OTA_HotelDescriptiveInfoRS; OTA_HotelAvailRQ (one AvailRequestSegment: StayDateRange
// Start/End, one RoomStayCandidate Quantity=rooms with GuestCounts AgeQualifyingCode 10 adults,
// 8 children with Age, HotelSearchCriteria/Criterion/HotelRef HotelCityCode=UID or HotelCode) →
// OTA_HotelAvailRS (RoomStays: RoomTypes, RatePlans with CancelPenalties, RoomRates with
// Total AmountBeforeTax/AmountAfterTax and Taxes: Type Inclusive is in AmountAfterTax, Type
// Exclusive is payable at the hotel); OTA_HotelResRQ (UniqueID Type=14 ID=our reference, one
// RoomStay with RoomType RoomTypeCode+NumberOfUnits, RatePlan RatePlanCode, GuestCounts per
// room, TimeSpan, BasicPropertyInfo HotelCode) → OTA_HotelResRS (ResStatus Reserved; idempotent
// on UniqueID; ResGlobalInfo HotelReservationIDs Type 10 = wgl confirmation); OTA_ReadRQ
// (ReadRequests/ReadRequest/UniqueID) → OTA_ResRetrieveRS; OTA_CancelRQ CancelType=Initiate
// (fee preview, Status Pending) | Commit (Status Cancelled) → OTA_CancelRS with CancelRules
// Fee/Refund. Errors are <Errors><Error Type Code ShortText> in the RS element: HTTP 400 for an
// unparseable or incomplete request (Code 450, 321, 15), HTTP 200 for business errors (392
// invalid hotel, 436 invalid rate, 322 no availability = sold out, 245 unknown reservation),
// 429/503 for transport faults. Amenity codes (Services/Service Code): 1 24h front desk,
// 5 air conditioning, 8 family rooms, 22 concierge, 24 meeting rooms, 33 lift, 35 gym,
// 41 airport shuttle, 54 indoor pool, 66 outdoor pool, 68 parking, 76 restaurant, 77 room
// service, 78 safe, 79 sauna, 84 spa, 165 bar, 168 laundry, 179 wifi, 224 pets, 228 business
// centre, 1001 hair dryer, 1002 TV, 1003 iron, 1004 kitchenette, 1005 breakfast.
//
// Also: GET /fx ({"base":"USD","rates":{…},"decimals":{…}}) and GET /images/{supplier}/{id}/{n}.svg.
//
// # Prices and inventory
//
// Prices are deterministic per (hotel, room, rate plan, dates, occupancy, supplier), in minor
// units of the supplier's currency, with included taxes and fees payable at the hotel itemised.
// Cancellation deadlines are 18:00 in the hotel's time zone. Room types have an allotment per
// night shared by all suppliers; a booking takes every night atomically, a cancellation gives it
// back, and the last room is never sold twice.
//
// # Configuration (ConfigFromEnv)
//
//	LOBANG_SIM_SEED          world seed (uint64; default DefaultSeed)
//	LOBANG_SIM_PROFILE       realistic | demo | test (default realistic)
//	LOBANG_SIM_ADMIN         true enables /_sim/ (knobs, stats, truth, allotment)
//	LOBANG_SIM_PUBLIC_URL    absolute base of image links (default: the request's host)
//	LOBANG_SIM_FAULTS        force random faults on/off (default on only in realistic)
//	LOBANG_SIM_<SUPPLIER>_ERROR_RATE, _TIMEOUT_RATE, _MALFORMED_RATE, _RATE_LIMIT_RATE,
//	_SOLD_OUT_RATE (0–1), _PRICE_DRIFT (fraction, e.g. 0.05), _RETRY_AFTER (s), _LATENCY_MS
//	with SUPPLIER one of ASCENDA, BEDCOM, WGL.
//
// Profiles: realistic (ascenda first partial ≈1 s, complete 1–5 s; bedcom 2–18 s; wgl 10–25 s;
// mild random faults), demo (about 5× faster, no faults), test (milliseconds, no faults).
// Latency applies to availability, prices and bookings; static content is fast in every
// profile. Faults (black hole, 429 with Retry-After, 503, malformed body) apply to every
// supplier endpoint.
//
// # Admin (Config.Admin only; 404 otherwise)
//
//	GET  /_sim/knobs                 current knobs per supplier
//	POST /_sim/knobs                 {"wgl":{"timeout_rate":1},"ascenda":{"latency_ms":300}} merges
//	GET  /_sim/stats                 {"ascenda":{"prices":3,…},…} request counts per endpoint
//	POST /_sim/stats/reset
//	GET  /_sim/truth?destination_id= {"hotels":[{"world_id","name","cases","suppliers":{…}}]}
//	POST /_sim/allotment             {"supplier","hotel_id","date","rooms"}: rooms left that night
package suppliersim
