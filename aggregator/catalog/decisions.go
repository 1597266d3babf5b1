package catalog

import (
	"context"
	"errors"
)

// errStoredOnly marks a supplier whose stored content is matched again
// without asking it (see ApplyDecisions).
var errStoredOnly = errors.New("stored content only")

// storedOnly is a fetch result for every supplier that uses its stored
// content.
func (c *Catalog) storedOnly() []fetched {
	out := make([]fetched, len(c.sups))
	for i, s := range c.sups {
		out[i] = fetched{supplier: s.Name(), err: errStoredOnly}
	}
	return out
}

// ApplyDecisions matches a destination's stored supplier content again so
// that staff decisions on its review queue (db.DecideReview) and staff
// mappings take effect at once, without asking the suppliers; later syncs
// keep them because they read the same decisions.
func (c *Catalog) ApplyDecisions(ctx context.Context, uid string) (Report, error) {
	v, err, _ := c.group.Do("staff:"+uid, func() (any, error) { return c.syncFrom(ctx, uid, true) })
	if err != nil {
		return Report{}, err
	}
	return v.(Report), nil
}
