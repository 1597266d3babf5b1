package admin

// Role is what a member of staff may do. Each role may do everything the
// roles below it may.
type Role string

// The roles, lowest first. Anyone is not a staff role: it declares a route
// that needs no staff session (login, enrolment).
const (
	Anyone  Role = "anyone"
	Agent   Role = "agent"   // read bookings, resend emails, add notes
	Manager Role = "manager" // + cancel and refund, approve refunds
	Admin   Role = "admin"   // + staff accounts and everything else
)

// Roles are the staff roles, lowest first.
var Roles = []Role{Agent, Manager, Admin}

func (r Role) rank() int {
	switch r {
	case Anyone:
		return 0
	case Agent:
		return 1
	case Manager:
		return 2
	case Admin:
		return 3
	}
	return -1
}

// Valid reports whether r is a staff role an account may hold.
func (r Role) Valid() bool { return r.rank() > 0 }

// Declared reports whether r is a role a route may declare.
func (r Role) Declared() bool { return r.rank() >= 0 }

// Allows reports whether a member of staff with role r may use a route that
// declares need.
func (r Role) Allows(need Role) bool { return need.Declared() && r.rank() >= need.rank() }
