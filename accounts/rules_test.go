package accounts

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		password, email string
		ok              bool
	}{
		{"correct horse battery", "mei@example.com", true},
		{"123456789", "mei@example.com", false},
		{"ten chars!", "mei@example.com", true},
		{"MEI@example.com", "mei@example.com", false},
		{"meilinglim", "meilinglim@example.com", false},
		{"éééééééééé", "mei@example.com", true},
		{string(make([]byte, 300)), "mei@example.com", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.ok, CheckPassword(c.password, c.email) == "", "%q", c.password)
	}
}

func TestNormaliseEmailAndCheck(t *testing.T) {
	assert.Equal(t, "mei@example.com", NormaliseEmail("  Mei@Example.COM "))
	assert.Empty(t, checkEmail("mei@example.com"))
	for _, bad := range []string{"", "mei", "mei@example", "Mei <mei@example.com>", "a b@example.com"} {
		assert.NotEmpty(t, checkEmail(bad), bad)
	}
}

func TestSavedDetailsAreOptionalButChecked(t *testing.T) {
	assert.Empty(t, Details{}.validate())
	assert.Empty(t, Details{Title: "Dr", Phone: "+65 6123 4567"}.validate())
	errs := Details{Title: "Sir", Phone: "call me"}.validate()
	assert.Contains(t, errs, "title")
	assert.Contains(t, errs, "phone")
}
