package views

// StatusBadge is the badge class for a status on the staff screens:
// green when settled well, red when it failed, amber while something is
// still under way, grey when it ended otherwise. The word itself is always
// shown, so the colour is never the only sign.
func StatusBadge(status string) string {
	switch status {
	case "confirmed", "sent", "succeeded", "done", "approved", "on":
		return "badge badge--success"
	case "failed", "rejected":
		return "badge badge--danger"
	case "pending", "sending", "confirming", "awaiting_payment", "price_changed":
		return "badge badge--warn"
	default:
		return "badge badge--quiet"
	}
}
