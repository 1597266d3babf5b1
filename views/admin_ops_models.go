package views

// AdminSuppliersView is the supplier health screen.
type AdminSuppliersView struct {
	Shell     AdminShell
	Suppliers []SupplierHealthView
	// CanSwitch is true for managers and admins.
	CanSwitch bool
	Error     string
}

// SupplierHealthView is one supplier's health and switch.
type SupplierHealthView struct {
	Name                           string
	Disabled                       bool
	DeadlineSeconds                string // "" when the configured one applies
	SwitchedBy                     string
	Breaker                        string
	HourRequests, HourErrorRate    string
	HourTimeouts                   string
	HourP50, HourP95, HourP99      string
	DayRequests, DayErrorRate      string
	DayP50, DayP95, DayP99         string
	LastError, LastErrorOp, LastAt string
	Chart                          SVGChart
	LatencyChart                   SVGChart
}

// SVGChart is a small server-drawn chart: bars (requests, with their
// failed part) and an optional line, in a viewBox of Width × Height.
type SVGChart struct {
	Width, Height int
	Label         string
	Bars          []SVGBar
	Line          string // polyline points
	Max           string // what the top of the chart stands for
}

// SVGBar is one bar and its failed part, from the bottom.
type SVGBar struct {
	X, W, Y, H, FailY, FailH int
	Title                    string
}
