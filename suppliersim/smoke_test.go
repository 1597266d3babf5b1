package suppliersim

import (
	"fmt"
	"net/url"
	"testing"
)

func TestSmokePrint(t *testing.T) {
	e := newEnv(t, nil)
	sg := uidOf(t, "Singapore", "SG")
	tr, _ := e.sim.Truth(sg)
	fmt.Println(len(tr.Hotels))
	for _, h := range tr.Hotels[:12] {
		fmt.Printf("%s %q %v %v %v\n", h.WorldID, h.Name, h.Cases, h.Suppliers, h.Names)
	}
	_, _, b := e.get(t, "/ascenda/api/hotels", url.Values{"destination_id": {sg}})
	fmt.Printf("%.1500s\n", b)
	in, out := dates(30, 2)
	env := e.pollAscenda(t, url.Values{"destination_id": {sg}, "checkin": {in}, "checkout": {out}, "guests": {"2|2"}, "currency": {"SGD"}})
	fmt.Println(len(env.Hotels), env.Hotels[0])
	_, _, b = e.get(t, "/ascenda/api/hotels/"+env.Hotels[0].ID+"/price", url.Values{"checkin": {in}, "checkout": {out}, "guests": {"2|2"}})
	fmt.Printf("%.2500s\n", b)
}
