package aggregator

// Forget drops the cached mapping of a destination, so that the next
// search maps through what the catalog holds now (after a staff decision).
func (c *CatalogMapper) Forget(uid string) {
	c.mu.Lock()
	delete(c.cache, uid)
	c.mu.Unlock()
}

// ForgetMapping drops this instance's cached mapping of a destination when
// its mapper caches one.
func (a *Aggregator) ForgetMapping(uid string) {
	if f, ok := a.mapper.(interface{ Forget(string) }); ok {
		f.Forget(uid)
	}
}
