package destinations

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Zürich", "zurich"},
		{"São Paulo", "sao paulo"},
		{"  Kuala   Lumpur ", "kuala lumpur"},
		{"Saint-Denis", "saint denis"},
		{"Xi’an", "xi an"},
		{"Kraków", "krakow"},
		{"Łódź", "lodz"},
		{"Ålesund", "alesund"},
		{"Tromsø", "tromso"},
		{"Straße", "strasse"},
		{"İzmir", "izmir"},
		{"Đà Nẵng", "da nang"},
		{"ＴＯＫＹＯ", "tokyo"},
		{"St. John's, NL", "st john s nl"},
		{"Зуунмод", "зуунмод"},
		{"", ""},
		{"---", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Fold(tt.in), "Fold(%q)", tt.in)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ascii, want string
	}{
		{"Zürich", "Zurich", "zurich"},
		{"Kuala Lumpur", "Kuala Lumpur", "kuala-lumpur"},
		{"New York City", "New York City", "new-york-city"},
		{"São Paulo", "Sao Paulo", "sao-paulo"},
		{"Xi’an", "Xi'an", "xi-an"},
		{"Saint-Étienne", "Saint-Etienne", "saint-etienne"},
		{"Bo‘ka", "Bo'ka", "bo-ka"},
		{"Зуунмод", "", "destination"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Destination{Name: tt.name, ASCIIName: tt.ascii}.Slug(), "slug of %q", tt.name)
	}
}

func TestEverySlugIsURLSafe(t *testing.T) {
	t.Parallel()
	slug := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, d := range All() {
		assert.Regexp(t, slug, d.Slug(), "slug of %s (%s)", d.Name, d.UID)
	}
}
