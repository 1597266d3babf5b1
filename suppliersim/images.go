package suppliersim

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// image answers GET /images/{supplier}/{hotel}/{n}.svg with a generated picture of the hotel.
func (s *Sim) image(w http.ResponseWriter, r *http.Request) {
	s.stats.add("images", "image")
	sup, id := r.PathValue("supplier"), r.PathValue("hotel")
	n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("file"), ".svg"))
	sh, ok := s.resolve(sup, id)
	if err != nil || !ok || !strings.HasSuffix(r.PathValue("file"), ".svg") || n < 0 || n >= sh.images {
		http.NotFound(w, r)
		return
	}
	rg := s.k.rng("image", sup, id, itoa(n))
	hue := rg.IntN(360)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="533" viewBox="0 0 800 533">`)
	fmt.Fprintf(&b, `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(%d,60%%,72%%)"/><stop offset="1" stop-color="hsl(%d,45%%,40%%)"/></linearGradient></defs>`, hue, (hue+30)%360)
	b.WriteString(`<rect width="800" height="533" fill="url(#g)"/>`)
	x := 60
	for i := 0; i < 3+rg.IntN(4); i++ { // a skyline of buildings
		wdt, hgt := 60+rg.IntN(90), 120+rg.IntN(260)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="hsl(%d,25%%,%d%%)"/>`, x, 533-hgt, wdt, hgt, hue, 20+rg.IntN(25))
		x += wdt + 10 + rg.IntN(40)
	}
	fmt.Fprintf(&b, `<text x="30" y="60" font-family="sans-serif" font-size="32" fill="#fff">%s</text>`, html.EscapeString(sh.name))
	fmt.Fprintf(&b, `<text x="30" y="100" font-family="sans-serif" font-size="20" fill="#fff">%s · photo %d</text></svg>`, html.EscapeString(sup), n+1)
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	w.Write([]byte(b.String())) //nolint:errcheck // the client may have gone
}
