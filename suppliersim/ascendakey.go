package suppliersim

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"
)

// The ascenda room key is stateless: it packs the offer (hotel slot, room, rate plan, dates,
// adults per room) into 12 bytes, seals it with a 4-byte keyed check and masks it, shown in the
// UUID layout the real API uses. Keys survive a restart of the simulator with the same seed.

var keyEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

type offerRef struct {
	slot   slot
	ri, pi int
	stay   stay
	occ    occupancy
}

func (k keyed) ascendaKey(o offerRef) string {
	var p [16]byte
	binary.BigEndian.PutUint32(p[0:], uint32(o.slot.value()))
	p[4] = byte(o.ri<<4 | o.pi&15)
	binary.BigEndian.PutUint16(p[5:], uint16(o.stay.checkin.Sub(keyEpoch).Hours()/24))
	p[7] = byte(o.stay.nights)
	for i, a := range o.occ.adults {
		p[8+i/2] |= byte(a) << (4 * (1 - i%2))
	}
	binary.BigEndian.PutUint32(p[12:], uint32(k.sum("key-mac", string(p[:12]))))
	pad := k.sum("key-pad", string(p[12:]))
	pad2 := mix(pad)
	for i := 0; i < 12; i++ {
		src := pad
		if i >= 8 {
			src = pad2
		}
		p[i] ^= byte(src >> (8 * (i % 8)))
	}
	h := hex.EncodeToString(p[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (k keyed) parseAscendaKey(s string) (offerRef, bool) {
	raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(raw) != 16 || len(s) != 36 {
		return offerRef{}, false
	}
	pad := k.sum("key-pad", string(raw[12:]))
	pad2 := mix(pad)
	for i := 0; i < 12; i++ {
		src := pad
		if i >= 8 {
			src = pad2
		}
		raw[i] ^= byte(src >> (8 * (i % 8)))
	}
	if binary.BigEndian.Uint32(raw[12:]) != uint32(k.sum("key-mac", string(raw[:12]))) {
		return offerRef{}, false
	}
	o := offerRef{
		slot: slotOf(uint64(binary.BigEndian.Uint32(raw[0:]))),
		ri:   int(raw[4] >> 4), pi: int(raw[4] & 15),
	}
	o.stay = stay{checkin: keyEpoch.AddDate(0, 0, int(binary.BigEndian.Uint16(raw[5:]))), nights: int(raw[7])}
	for i := 0; i < 8; i++ {
		a := int(raw[8+i/2]>>(4*(1-i%2))) & 15
		if a == 0 {
			break
		}
		o.occ.adults = append(o.occ.adults, a)
		o.occ.children = append(o.occ.children, nil)
	}
	return o, len(o.occ.adults) > 0
}
