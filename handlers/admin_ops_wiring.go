package handlers

import "lobang/aggregator"

// AttachMarkups hands the handlers the staff markups that room offers add.
func (h *Handler) AttachMarkups(m aggregator.Markups) { h.markups = m }
