package handlers

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lobang/admin"
	"lobang/db"
	"lobang/fx"
	"lobang/markup"
	"lobang/views"
)

// registerAdminMarkups registers the markups screen through staffRoute:
// only admins see or change markups.
func (h *Handler) registerAdminMarkups(r chi.Router) {
	h.staffRoute(r, "GET", "/admin/markups", admin.Admin, h.AdminMarkups)
	h.staffRoute(r, "GET", "/admin/markups/new", admin.Admin, h.AdminMarkupConfirm)
	h.staffRoute(r, "POST", "/admin/markups", admin.Admin, h.AdminMarkupPost)
	h.staffRoute(r, "GET", "/admin/markups/{id}/delete", admin.Admin, h.AdminMarkupDeleteConfirm)
	h.staffRoute(r, "POST", "/admin/markups/{id}/delete", admin.Admin, h.AdminMarkupDeletePost)
}

// markupInput is a rule as typed into the form, before validation.
type markupInput struct {
	Supplier, Destination, Kind, Value, Currency string
}

func markupInputOf(v url.Values) markupInput {
	return markupInput{Supplier: strings.TrimSpace(v.Get("supplier")), Destination: strings.TrimSpace(v.Get("destination")),
		Kind: v.Get("kind"), Value: strings.TrimSpace(v.Get("value")), Currency: strings.ToUpper(strings.TrimSpace(v.Get("currency")))}
}

var markupSupplierPattern = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// supplierNames are the suppliers markups may name, in display order.
func (h *Handler) supplierNames() []string {
	var names []string
	if h.ops != nil {
		names = append(names, h.ops.names...)
	}
	for _, s := range h.sups {
		if !slices.Contains(names, s.Name()) {
			names = append(names, s.Name())
		}
	}
	return names
}

// validSupplier accepts "" (any), a known supplier, or, when the instance
// knows none, any well-formed name.
func (h *Handler) validSupplier(s string) bool {
	if s == "" {
		return true
	}
	if names := h.supplierNames(); len(names) > 0 {
		return slices.Contains(names, s)
	}
	return markupSupplierPattern.MatchString(s)
}

// markupRule validates the input into a rule, or says what is wrong.
func (h *Handler) markupRule(r *http.Request, in markupInput) (db.MarkupRule, string, error) {
	rule := db.MarkupRule{Supplier: in.Supplier, DestinationUID: in.Destination, Kind: in.Kind}
	if !h.validSupplier(in.Supplier) {
		return rule, "Choose a supplier from the list, or any supplier.", nil
	}
	if in.Destination != "" {
		if _, err := db.GetDestination(r.Context(), h.db, in.Destination); errors.Is(err, db.ErrNotFound) {
			return rule, "There is no destination with the id " + strconv.Quote(in.Destination) + ".", nil
		} else if err != nil {
			return rule, "", err
		}
	}
	switch in.Kind {
	case db.MarkupPercent:
		bp, err := fx.ParseMinor(in.Value, 2)
		if err != nil || bp <= 0 || bp > 10000 {
			return rule, "Give a percentage above 0 and at most 100, such as 7.5.", nil
		}
		rule.PercentBP = bp
	case db.MarkupFixed:
		m, err := fx.Parse(in.Value, in.Currency)
		if err != nil || m.Amount <= 0 {
			return rule, "Give an amount above 0 and its currency, such as 5.00 SGD.", nil
		}
		rule.Amount, rule.Currency = m.Amount, m.Currency
	default:
		return rule, "Choose a percentage or a fixed amount.", nil
	}
	return rule, "", nil
}

// markupObject names a rule's scope and value for its one-time token, so a
// confirmation cannot be replayed for another rule.
func markupObject(m db.MarkupRule) string {
	return fmt.Sprintf("%s|%s|%s|%d|%d|%s", m.Supplier, m.DestinationUID, m.Kind, m.PercentBP, m.Amount, m.Currency)
}

// markupScope says in words whom a rule applies to.
func markupScope(m db.MarkupRule) string {
	sup, dest := m.Supplier, m.DestinationUID
	if sup == "" {
		sup = "every supplier"
	}
	if dest == "" {
		return sup + " everywhere"
	}
	return sup + " in " + dest
}

// markupValue says a rule's markup in words.
func markupValue(m db.MarkupRule) string {
	if m.Kind == db.MarkupPercent {
		return strconv.FormatFloat(float64(m.PercentBP)/100, 'f', -1, 64) + " %"
	}
	return staffMoney(m.Amount, m.Currency)
}

// AdminMarkups lists the rules with the add form and the checker.
func (h *Handler) AdminMarkups(w http.ResponseWriter, r *http.Request) {
	v := views.AdminMarkupsView{Flash: r.URL.Query().Get("done")}
	if q := r.URL.Query(); q.Has("check") {
		c, status, err := h.markupCheck(r, q)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Check = c
		h.renderMarkups(w, r, status, v)
		return
	}
	h.renderMarkups(w, r, http.StatusOK, v)
}

// renderMarkups fills in the rules and forms around v and renders it.
func (h *Handler) renderMarkups(w http.ResponseWriter, r *http.Request, status int, v views.AdminMarkupsView) {
	rules, err := db.MarkupRules(r.Context(), h.db)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Shell, v.Suppliers = h.shell(r, "Markups"), h.supplierNames()
	for _, m := range rules {
		v.Rules = append(v.Rules, views.AdminMarkupRow{ID: strconv.FormatInt(m.ID, 10), Supplier: orAny(m.Supplier),
			Destination: orAny(m.DestinationUID), Markup: markupValue(m), UpdatedBy: m.UpdatedBy,
			UpdatedAt: adminTime(m.UpdatedAt), DeleteHref: "/admin/markups/" + strconv.FormatInt(m.ID, 10) + "/delete"})
	}
	if v.Form.Kind == "" {
		v.Form.Kind = db.MarkupPercent
	}
	h.render(w, r, status, views.AdminMarkups(v))
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

// markupCheck works out which rule applies to a supplier in a destination
// and what it adds to an example price.
func (h *Handler) markupCheck(r *http.Request, q url.Values) (*views.AdminMarkupCheck, int, error) {
	c := &views.AdminMarkupCheck{Supplier: strings.TrimSpace(q.Get("supplier")),
		Destination: strings.TrimSpace(q.Get("destination")), Price: strings.TrimSpace(q.Get("price")),
		Currency: strings.ToUpper(strings.TrimSpace(q.Get("currency")))}
	if c.Price == "" {
		c.Price = "100.00"
	}
	if c.Currency == "" {
		c.Currency = "SGD"
	}
	if c.Supplier == "" || !h.validSupplier(c.Supplier) || c.Destination == "" {
		c.Error = "Choose a supplier and give a destination id."
		return c, http.StatusUnprocessableEntity, nil
	}
	price, err := fx.Parse(c.Price, c.Currency)
	if err != nil || price.Amount <= 0 {
		c.Error = "Give an example price above 0 and its currency, such as 100.00 SGD."
		return c, http.StatusUnprocessableEntity, nil
	}
	rules, err := db.MarkupRules(r.Context(), h.db)
	if err != nil {
		return nil, 0, err
	}
	rule, ok := markup.Pick(rules, c.Supplier, c.Destination)
	if !ok {
		c.Rule = "No rule applies: prices go out as the supplier gives them."
		c.Base, c.Markup, c.Total = price.Display(), fx.Money{Currency: price.Currency}.Display(), price.Display()
		return c, http.StatusOK, nil
	}
	c.Rule = markupValue(rule) + " (the rule for " + markupScope(rule) + ")"
	var conv markup.Converter
	if h.conv != nil {
		conv = h.conv
	}
	applied, err := markup.On(r.Context(), rule, price, conv)
	if err != nil {
		c.Error = "The example cannot be priced: " + err.Error()
		return c, http.StatusOK, nil
	}
	c.Base, c.Markup = price.Display(), applied.Amount.Display()
	c.Total = fx.Money{Amount: price.Amount + applied.Amount.Amount, Currency: price.Currency}.Display()
	return c, http.StatusOK, nil
}

// AdminMarkupConfirm is the confirmation step of adding (or replacing) the
// rule of a scope; invalid input re-renders the list with 422.
func (h *Handler) AdminMarkupConfirm(w http.ResponseWriter, r *http.Request) {
	in := markupInputOf(r.URL.Query())
	rule, problem, err := h.markupRule(r, in)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if problem != "" {
		h.renderMarkups(w, r, http.StatusUnprocessableEntity, views.AdminMarkupsView{Error: problem, Form: markupForm(in)})
		return
	}
	h.markupConfirmPage(w, r, http.StatusOK, in, rule, "")
}

func markupForm(in markupInput) views.AdminMarkupForm {
	return views.AdminMarkupForm{Supplier: in.Supplier, Destination: in.Destination, Kind: in.Kind, Value: in.Value,
		Currency: in.Currency}
}

func (h *Handler) markupConfirmPage(w http.ResponseWriter, r *http.Request, status int, in markupInput, rule db.MarkupRule,
	problem string) {
	rules, err := db.MarkupRules(r.Context(), h.db)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	lines := []string{"Add " + markupValue(rule) + " to prices of " + markupScope(rule) + "."}
	for _, old := range rules {
		if old.Supplier == rule.Supplier && old.DestinationUID == rule.DestinationUID {
			lines = append(lines, "This replaces the rule of "+markupValue(old)+" for the same scope.")
		}
	}
	lines = append(lines, "Customers see it on new searches and room prices within seconds.")
	tok, err := h.staff.svc.IssueToken(r.Context(), staffOf(r), "markup.put", markupObject(rule))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := views.AdminMarkupConfirmView{Shell: h.shell(r, "Add a markup"), Lines: lines, Error: problem, Token: tok,
		Form: markupForm(in)}
	h.render(w, r, status, views.AdminMarkupConfirm(v))
}

// AdminMarkupPost stores a confirmed rule, replacing its scope's, audited.
func (h *Handler) AdminMarkupPost(w http.ResponseWriter, r *http.Request) {
	if !parseForm(h, w, r) {
		return
	}
	in := markupInputOf(r.PostForm)
	rule, problem, err := h.markupRule(r, in)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if problem != "" {
		h.renderMarkups(w, r, http.StatusUnprocessableEntity, views.AdminMarkupsView{Error: problem, Form: markupForm(in)})
		return
	}
	if !h.consume(w, r, "markup.put", markupObject(rule), "/admin/markups") {
		return
	}
	st := staffOf(r)
	rule.UpdatedBy, rule.UpdatedAt = st.Email, h.staff.svc.Now()
	err = db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		rules, err := db.MarkupRules(r.Context(), tx)
		if err != nil {
			return err
		}
		var before any
		for _, old := range rules {
			if old.Supplier == rule.Supplier && old.DestinationUID == rule.DestinationUID {
				before = markupJSON(old)
			}
		}
		if err := db.PutMarkupRule(r.Context(), tx, rule); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, st, "markup.put", "markup", rule.Supplier+"/"+rule.DestinationUID,
			before, markupJSON(rule))
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.invalidateMarkups()
	http.Redirect(w, r, "/admin/markups?done="+url.QueryEscape("Markup for "+markupScope(rule)+" saved."), http.StatusSeeOther)
}

func markupJSON(m db.MarkupRule) map[string]any {
	return map[string]any{"supplier": m.Supplier, "destination": m.DestinationUID, "kind": m.Kind,
		"percent_bp": m.PercentBP, "amount": m.Amount, "currency": m.Currency}
}

// invalidateMarkups makes this instance's engine read the rules again at
// once; other instances follow within markup.TTL.
func (h *Handler) invalidateMarkups() {
	if inv, ok := h.markups.(interface{ Invalidate() }); ok {
		inv.Invalidate()
	}
}

// markupByID loads the {id} rule.
func (h *Handler) markupByID(w http.ResponseWriter, r *http.Request) (db.MarkupRule, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return db.MarkupRule{}, false
	}
	rules, err := db.MarkupRules(r.Context(), h.db)
	if err != nil {
		h.serverError(w, r, err)
		return db.MarkupRule{}, false
	}
	for _, m := range rules {
		if m.ID == id {
			return m, true
		}
	}
	h.notFound(w, r)
	return db.MarkupRule{}, false
}

// AdminMarkupDeleteConfirm is the confirmation step of removing a rule.
func (h *Handler) AdminMarkupDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	m, ok := h.markupByID(w, r)
	if !ok {
		return
	}
	id := strconv.FormatInt(m.ID, 10)
	h.confirmPage(w, r, http.StatusOK, "markup.delete", id, views.AdminConfirmView{Title: "Remove a markup",
		Lines: []string{"Remove the markup of " + markupValue(m) + " on " + markupScope(m) + ".",
			"Its prices then take the next less specific rule, or none."},
		Action: "/admin/markups/" + id + "/delete", Button: "Remove the rule", Back: "/admin/markups"})
}

// AdminMarkupDeletePost removes a confirmed rule, audited.
func (h *Handler) AdminMarkupDeletePost(w http.ResponseWriter, r *http.Request) {
	m, ok := h.markupByID(w, r)
	if !ok || !parseForm(h, w, r) {
		return
	}
	if !h.consume(w, r, "markup.delete", strconv.FormatInt(m.ID, 10), "/admin/markups") {
		return
	}
	err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		if err := db.DeleteMarkupRule(r.Context(), tx, m.ID); err != nil {
			return err
		}
		return h.staff.svc.Audit(r.Context(), tx, staffOf(r), "markup.delete", "markup",
			m.Supplier+"/"+m.DestinationUID, markupJSON(m), nil)
	})
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.invalidateMarkups()
	http.Redirect(w, r, "/admin/markups?done="+url.QueryEscape("Markup for "+markupScope(m)+" removed."), http.StatusSeeOther)
}
