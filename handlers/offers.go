package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/booking"
)

// offerTTL is how long a shown room offer stays bookable by its id; after
// that the customer asks for prices again.
const offerTTL = 30 * time.Minute

// ErrOfferExpired: no stored offer under that id (expired or never shown).
var ErrOfferExpired = errors.New("offer expired")

// StoredOffer is a room offer as shown to a customer, kept server-side so
// that the Book form carries only its opaque id: a price never comes from
// the client. Its shape belongs to the booking, which reads it back.
type StoredOffer = booking.StoredOffer

func (h *Handler) offerKey(id string) string { return h.cfg.RedisPrefix + "offer:" + id }

// newOfferID is a random 128-bit id, hex encoded.
func newOfferID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}

// storeOffers gives every offer a fresh id and stores them all with
// offerTTL, in one round trip.
func (h *Handler) storeOffers(ctx context.Context, offers []*StoredOffer) error {
	if len(offers) == 0 {
		return nil
	}
	if h.redis == nil {
		return errors.New("store offers: no redis")
	}
	pipe := h.redis.Pipeline()
	for _, o := range offers {
		o.ID = newOfferID()
		b, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("encode offer: %w", err)
		}
		pipe.Set(ctx, h.offerKey(o.ID), b, offerTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store offers: %w", err)
	}
	return nil
}

// LoadOffer returns the stored offer with id, or ErrOfferExpired.
func (h *Handler) LoadOffer(ctx context.Context, id string) (StoredOffer, error) {
	if _, err := hex.DecodeString(id); err != nil || len(id) != 32 {
		return StoredOffer{}, ErrOfferExpired
	}
	b, err := h.redis.Get(ctx, h.offerKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return StoredOffer{}, ErrOfferExpired
	}
	if err != nil {
		return StoredOffer{}, fmt.Errorf("load offer %s: %w", id, err)
	}
	var o StoredOffer
	if err := json.Unmarshal(b, &o); err != nil {
		return StoredOffer{}, fmt.Errorf("decode offer %s: %w", id, err)
	}
	return o, nil
}
