package catalog

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/destinations"
)

// maxImages caps the photos a merged hotel keeps.
const maxImages = 60

// member is one supplier hotel of a canonical hotel.
type member struct {
	supplier string
	hotel    suppliers.Hotel
}

// Merge builds a canonical hotel's content from its supplier hotels. trust
// orders suppliers from most to least trusted (ties and coordinates go to
// the most trusted). The result has no id, destination or timestamps; its
// ContentHash covers everything else.
//
// Rules, each recorded in Sources: the name most suppliers agree on (case
// and accents aside), in proper case rather than shouted and with accents
// kept; the longest description after sanitising; the union of amenities in
// vocabulary order; images of every supplier without duplicates (same URL);
// coordinates and address from the most trusted supplier that has them;
// stars by majority; the review score of the supplier with most reviews;
// check-in and check-out times where known.
func Merge(members []member, trust []string) db.Hotel {
	rank := func(s string) int {
		if i := slices.Index(trust, s); i >= 0 {
			return i
		}
		return len(trust)
	}
	ms := slices.Clone(members)
	slices.SortStableFunc(ms, func(a, b member) int {
		return cmp.Or(cmp.Compare(rank(a.supplier), rank(b.supplier)), cmp.Compare(a.supplier, b.supplier))
	})
	h := db.Hotel{Sources: map[string]string{}, Active: true}
	for _, m := range ms {
		h.Suppliers = append(h.Suppliers, m.supplier)
	}
	slices.Sort(h.Suppliers)

	i := pickName(ms)
	h.Name, h.Sources["name"] = displayName(ms[i].hotel.Name), ms[i].supplier
	h.Slug = Slug(h.Name)

	best, bestLen := "", 0
	for _, m := range ms {
		d := SanitizeDescription(m.hotel.Description)
		if n := len([]rune(textOf(d))); n > bestLen {
			best, bestLen, h.Sources["description"] = d, n, m.supplier
		}
	}
	h.Description = best

	have := map[string]bool{}
	var from []string
	for _, m := range ms {
		added := false
		for _, a := range m.hotel.Amenities {
			if _, ok := suppliers.AmenityByKey(a); ok && !have[a] {
				have[a], added = true, true
			}
		}
		if added {
			from = append(from, m.supplier)
		}
	}
	for _, a := range suppliers.Amenities {
		if have[a.Key] {
			h.Amenities = append(h.Amenities, a.Key)
		}
	}
	if len(from) > 0 {
		h.Sources["amenities"] = strings.Join(from, ",")
	}

	seen := map[string]bool{}
	from = from[:0]
	for _, m := range ms {
		added := false
		for _, img := range m.hotel.Images {
			k := imageKey(img.URL)
			if k == "" || seen[k] || len(h.Images) >= maxImages {
				continue
			}
			seen[k], added = true, true
			h.Images = append(h.Images, db.HotelImage{URL: img.URL, Caption: img.Caption})
		}
		if added {
			from = append(from, m.supplier)
		}
	}
	if len(from) > 0 {
		h.Sources["images"] = strings.Join(from, ",")
	}

	for _, m := range ms {
		if m.hotel.HasGeo {
			h.Lat, h.Lng, h.HasGeo, h.Sources["location"] = m.hotel.Lat, m.hotel.Lng, true, m.supplier
			break
		}
	}
	for _, m := range ms {
		if strings.TrimSpace(m.hotel.Address) != "" {
			h.Address, h.Sources["address"] = strings.TrimSpace(m.hotel.Address), m.supplier
			break
		}
	}
	for _, m := range ms {
		if m.hotel.PostalCode != "" {
			h.PostalCode = m.hotel.PostalCode
			break
		}
	}

	votes := map[float64]int{}
	for _, m := range ms {
		if m.hotel.Stars > 0 {
			votes[m.hotel.Stars]++
		}
	}
	for _, m := range ms { // most votes; ties to the most trusted
		if s := m.hotel.Stars; s > 0 && (h.Stars == 0 || votes[s] > votes[h.Stars]) {
			h.Stars, h.Sources["stars"] = s, m.supplier
		}
	}

	for _, m := range ms {
		if m.hotel.ReviewScore > 0 && (h.ReviewScore == 0 || m.hotel.ReviewCount > h.ReviewCount) {
			h.ReviewScore, h.ReviewCount, h.Sources["review"] = m.hotel.ReviewScore, m.hotel.ReviewCount, m.supplier
			h.ReviewBreakdown = m.hotel.ReviewBreakdown
		}
	}
	for _, m := range ms {
		if h.CheckInTime == "" && m.hotel.CheckInTime != "" {
			h.CheckInTime, h.Sources["check_in"] = m.hotel.CheckInTime, m.supplier
		}
		if h.CheckOutTime == "" && m.hotel.CheckOutTime != "" {
			h.CheckOutTime, h.Sources["check_out"] = m.hotel.CheckOutTime, m.supplier
		}
	}
	return h
}

// pickName chooses the member whose name to show: the spelling most
// members agree on once case and accents are folded; among those, a name
// that is not shouted, then one that keeps its accents, then the most
// trusted supplier (members come in trust order).
func pickName(ms []member) int {
	count := map[string]int{}
	for _, m := range ms {
		count[destinations.Fold(m.hotel.Name)]++
	}
	best := -1
	better := func(i, j int) bool { // is i better than j
		a, b := ms[i].hotel.Name, ms[j].hotel.Name
		if ca, cb := count[destinations.Fold(a)], count[destinations.Fold(b)]; ca != cb {
			return ca > cb
		}
		if sa, sb := shouted(a), shouted(b); sa != sb {
			return !sa
		}
		if na, nb := nonASCII(a), nonASCII(b); na != nb {
			return na > nb
		}
		return false
	}
	for i, m := range ms {
		if strings.TrimSpace(m.hotel.Name) == "" {
			continue
		}
		if best < 0 || better(i, best) {
			best = i
		}
	}
	return max(best, 0)
}

// shouted reports whether a name is written in capitals only.
func shouted(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsLower(r) {
				return false
			}
		}
	}
	return letters > 3
}

func nonASCII(s string) int {
	n := 0
	for _, r := range s {
		if r > unicode.MaxASCII {
			n++
		}
	}
	return n
}

// displayName tidies the chosen name: spaces collapsed and, when only a
// shouted form exists, title case with brands in their own spelling.
func displayName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if !shouted(s) {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	out := strings.Join(words, " ")
	folded := strings.Fields(destinations.Fold(out))
	if b, start, end := findBrand(folded); b != nil && start == 0 && end == len(strings.Fields(destinations.Fold(b.spelling))) {
		// Replace the leading brand words with the brand's own spelling.
		n := len(strings.Fields(b.spelling))
		if n <= len(words) {
			out = strings.Join(append([]string{b.spelling}, words[n:]...), " ")
		}
	}
	return out
}

// imageKey identifies an image across suppliers: its URL without scheme,
// query or fragment.
func imageKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimSpace(raw)
	}
	return strings.ToLower(u.Host) + u.EscapedPath()
}

// Slug is the URL slug of a hotel name: folded ASCII letters and digits
// joined by hyphens, at most 80 characters, "hotel" when nothing is left.
func Slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range destinations.Fold(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
		if b.Len() >= 80 {
			break
		}
	}
	if b.Len() == 0 {
		return "hotel"
	}
	return strings.TrimSuffix(b.String(), "-")
}

// contentHash fingerprints the merged content (everything a page shows).
func contentHash(h db.Hotel) string {
	v := struct {
		Slug, Name, Address, PostalCode string
		Lat, Lng                        float64
		HasGeo                          bool
		Stars, ReviewScore              float64
		ReviewCount                     int
		ReviewBreakdown                 map[string]float64
		Description                     string
		Amenities                       []string
		Images                          []db.HotelImage
		TimeZone, CheckIn, CheckOut     string
		Suppliers                       []string
		Sources                         map[string]string
		Active                          bool
	}{h.Slug, h.Name, h.Address, h.PostalCode, h.Lat, h.Lng, h.HasGeo, h.Stars, h.ReviewScore, h.ReviewCount,
		h.ReviewBreakdown, h.Description, h.Amenities, h.Images, h.TimeZone, h.CheckInTime, h.CheckOutTime,
		h.Suppliers, h.Sources, h.Active}
	b, err := json.Marshal(v) // maps marshal with sorted keys: stable
	if err != nil {
		// Only a NaN or infinite number fails; hash its printed form.
		b = fmt.Appendf(nil, "%#v", v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
