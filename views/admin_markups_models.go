package views

// AdminMarkupsView is the markups screen: the rules, the form that adds
// one, and the "which rule applies" checker.
type AdminMarkupsView struct {
	Shell     AdminShell
	Rules     []AdminMarkupRow
	Suppliers []string
	Form      AdminMarkupForm
	Check     *AdminMarkupCheck
	Flash     string
	Error     string
}

// AdminMarkupRow is one rule in the list.
type AdminMarkupRow struct {
	ID, Supplier, Destination, Markup, UpdatedBy, UpdatedAt, DeleteHref string
}

// AdminMarkupForm is a rule as typed into the add form.
type AdminMarkupForm struct {
	Supplier, Destination, Kind, Value, Currency string
}

// AdminMarkupCheck is the checker's question and answer.
type AdminMarkupCheck struct {
	Supplier, Destination, Price, Currency string
	Rule, Base, Markup, Total              string
	Error                                  string
}

// AdminMarkupConfirmView is the confirmation step of adding a rule.
type AdminMarkupConfirmView struct {
	Shell AdminShell
	Lines []string
	Error string
	Token string
	Form  AdminMarkupForm
}
