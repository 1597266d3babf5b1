package aggregator

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lobang/aggregator/suppliers"
)

// SID is the search id of a query: identical stays share one id, one
// fan-out and one cached result. The id does not depend on sorting,
// filtering or paging, which are applied when results are read.
func SID(q suppliers.Query) string {
	ages := slices.Clone(q.ChildrenAges)
	slices.Sort(ages)
	var sb strings.Builder
	fmt.Fprintf(&sb, "v1|%s|%s|%s|%d|%d|", q.DestinationUID, q.Checkin.Format(time.DateOnly),
		q.Checkout.Format(time.DateOnly), q.Rooms, q.Adults)
	for i, a := range ages {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(a))
	}
	sb.WriteString("|" + strings.ToUpper(q.Currency))
	sum := sha256.Sum256([]byte(sb.String()))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:10]))
}

// ValidSID reports whether s has the shape of a search id (so that a
// crafted URL never reaches Redis with an odd key).
func ValidSID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// keys names the Redis keys of one deployment.
type keys struct{ prefix string }

func (k keys) lock(sid string) string   { return k.prefix + "search:{" + sid + "}:lock" }
func (k keys) query(sid string) string  { return k.prefix + "search:{" + sid + "}:query" }
func (k keys) meta(sid string) string   { return k.prefix + "search:{" + sid + "}:meta" }
func (k keys) prices(sid string) string { return k.prefix + "search:{" + sid + "}:prices" }
func (k keys) events(sid string) string { return k.prefix + "search:{" + sid + "}:events" }
func (k keys) jobs() string             { return k.prefix + "jobs:search" }
func (k keys) rate(ip string, window int64) string {
	return k.prefix + "rl:search:{" + ip + "}:" + strconv.FormatInt(window, 10)
}
