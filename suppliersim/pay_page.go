package suppliersim

import (
	"bytes"
	"html/template"
	"net/http"
)

// checkoutView is what the checkout pages show. It never holds a card number or CVC.
type checkoutView struct {
	Title     string
	SessionID string
	Amount    string
	Reference string
	CancelURL string
	NextURL   string            // message pages: where the customer goes on
	Message   string            // message pages: the explanation
	Error     string            // a failed attempt (decline, failed authentication), shown above the form
	Errors    map[string]string // form errors per field
	Name      string            // echoed back after a validation error
	Expiry    string            // echoed back after a validation error
	Card      payCard           // the card being authenticated (3-D Secure page)
}

var payPages = template.Must(template.New("pay").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Lobang Pay (test mode)</title>
<link rel="stylesheet" href="/pay/checkout.css">
</head><body><main class="card">
<p class="brand">Lobang Pay <span class="badge">test mode</span></p>{{end}}

{{define "foot"}}</main></body></html>{{end}}

{{define "summary"}}<p class="amount" data-testid="amount">{{.Amount}}</p>
<p class="ref">Booking <span data-testid="reference">{{.Reference}}</span></p>{{end}}

{{define "checkout"}}{{template "head" .}}
<h1>Pay for your booking</h1>
{{template "summary" .}}
{{with .Error}}<div class="alert" role="alert" data-testid="payment-error">{{.}}</div>{{end}}
{{if .Errors}}<div class="alert" role="alert" data-testid="form-errors">Please correct the fields marked below.</div>{{end}}
<form method="post" action="/pay/checkout/{{.SessionID}}" novalidate data-testid="card-form">
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" maxlength="23"{{if index .Errors "card_number"}} aria-invalid="true" aria-describedby="card_number-error"{{end}} required>
{{with index .Errors "card_number"}}<p class="field-error" id="card_number-error">{{.}}</p>{{end}}
<div class="row"><div>
<label for="expiry">Expiry (MM/YY)</label>
<input id="expiry" name="expiry" value="{{.Expiry}}" autocomplete="cc-exp" maxlength="9"{{if index .Errors "expiry"}} aria-invalid="true" aria-describedby="expiry-error"{{end}} required>
{{with index .Errors "expiry"}}<p class="field-error" id="expiry-error">{{.}}</p>{{end}}
</div><div>
<label for="cvc">Security code</label>
<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4"{{if index .Errors "cvc"}} aria-invalid="true" aria-describedby="cvc-error"{{end}} required>
{{with index .Errors "cvc"}}<p class="field-error" id="cvc-error">{{.}}</p>{{end}}
</div></div>
<label for="name">Name on card</label>
<input id="name" name="name" value="{{.Name}}" autocomplete="cc-name" maxlength="100"{{if index .Errors "name"}} aria-invalid="true" aria-describedby="name-error"{{end}} required>
{{with index .Errors "name"}}<p class="field-error" id="name-error">{{.}}</p>{{end}}
<button type="submit" data-testid="pay">Pay {{.Amount}}</button>
</form>
<p><a href="{{.CancelURL}}" data-testid="cancel">Cancel and return to Lobang</a></p>
<details class="hint"><summary>Test cards</summary><ul>
<li>4242 4242 4242 4242 — succeeds</li>
<li>4000 0000 0000 0002 — declined</li>
<li>4000 0000 0000 9995 — declined, insufficient funds</li>
<li>4000 0027 6000 3184 — asks for 3-D Secure</li>
<li>Any future expiry, any CVC, any name.</li></ul></details>
{{template "foot"}}{{end}}

{{define "challenge"}}{{template "head" .}}
<h1>Approve this payment</h1>
{{template "summary" .}}
<p>Your bank asks you to confirm this payment with your {{.Card.Brand}} card ending in <span data-testid="last4">{{.Card.Last4}}</span>.</p>
<form method="post" action="/pay/checkout/{{.SessionID}}/3ds" data-testid="challenge-form">
<button type="submit" name="action" value="approve" data-testid="approve">Approve</button>
<button type="submit" name="action" value="fail" class="secondary" data-testid="fail">Fail authentication</button>
</form>
{{template "foot"}}{{end}}

{{define "message"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p data-testid="message">{{.Message}}</p>
{{with .NextURL}}<p><a href="{{.}}" data-testid="continue">Return to Lobang</a></p>{{end}}
{{template "foot"}}{{end}}
`))

// payCSS styles the checkout pages; served as a file so that the pages need no inline style.
const payCSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111827}
.card{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
.brand{margin:0 0 1rem;font-weight:700;color:#1e3a8a}
.badge{font-size:.75rem;font-weight:600;padding:.1rem .4rem;border-radius:.25rem;background:#fde68a;color:#78350f}
h1{font-size:1.25rem;margin:0 0 .5rem}
.amount{font-size:1.75rem;font-weight:700;margin:.25rem 0}
.ref{color:#4b5563;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid #6b7280;border-radius:.375rem}
input:focus,button:focus,a:focus{outline:3px solid #2563eb;outline-offset:2px}
input[aria-invalid=true]{border-color:#b91c1c}
.row{display:flex;gap:1rem}.row>div{flex:1}
.field-error{color:#b91c1c;margin:.25rem 0 0;font-size:.9rem}
.alert{padding:.75rem;border-radius:.375rem;background:#fee2e2;color:#7f1d1d;margin:0 0 1rem}
button{display:block;width:100%;margin-top:1.25rem;padding:.75rem;font:inherit;font-weight:700;color:#fff;background:#1d4ed8;border:0;border-radius:.375rem;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8;border:2px solid #1d4ed8}
a{color:#1d4ed8}
.hint{margin-top:1.5rem;color:#374151;font-size:.9rem}
`

// css answers GET /pay/checkout.css.
func (p *payProvider) css(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(payCSS)) //nolint:errcheck // the client may have gone
}

// render executes a page into a buffer and only then writes the status and body.
func render(w http.ResponseWriter, status int, name string, v checkoutView) {
	var buf bytes.Buffer
	if err := payPages.ExecuteTemplate(&buf, name, v); err != nil {
		http.Error(w, "cannot render the checkout page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client may have gone
}

// page wraps a checkout page: request counting, a body limit, security headers and, for
// POSTs, Go's cross-origin protection (browsers' cross-site form posts are refused).
func (p *payProvider) page(name string, h http.HandlerFunc) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.s.stats.add("pay", name)
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		if err := cop.Check(r); err != nil {
			render(w, http.StatusForbidden, "message", checkoutView{Title: "Request refused",
				Message: "This form was sent from another site."})
			return
		}
		h(w, r)
	})
}
