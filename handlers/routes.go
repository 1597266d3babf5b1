package handlers

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"lobang/assets"
	"lobang/cachepolicy"
)

// Routes returns the whole route table wrapped in the middleware stack.
// Every route is registered through route(), which refuses a pattern the
// cache-class table does not know.
func (h *Handler) Routes() http.Handler {
	return h.wrap(h.router())
}

// router builds the route table itself.
func (h *Handler) router() chi.Router {
	r := chi.NewRouter()
	r.Use(h.defaultCache, middleware.GetHead)
	r.NotFound(h.notFoundHandler)
	r.MethodNotAllowed(h.methodNotAllowed)

	get := func(pattern string, fn http.HandlerFunc) { h.route(r, http.MethodGet, pattern, fn) }
	post := func(pattern string, fn http.HandlerFunc) { h.route(r, http.MethodPost, pattern, fn) }

	get("/", h.HomePage)
	get("/terms", h.TermsPage)
	get("/privacy", h.PrivacyPage)
	get("/destinations/suggest", h.DestinationSuggest)
	get("/search", h.SearchPage)
	get("/search/{sid}/stream", h.SearchStream)
	get("/assets/*", assets.Handler().ServeHTTP)
	get("/hotels/{id}", h.HotelPage)
	get("/hotels/{id}/{slug}", h.HotelPage)
	get("/hotels/{id}/rooms", h.RoomsPage)
	get("/destinations/{uid}", h.DestinationPage)
	get("/destinations/{uid}/{slug}", h.DestinationPage)
	post("/bookings", h.CreateBooking)
	get("/bookings/{id}", h.BookingPage)
	post("/bookings/{id}/price", h.BookingPrice)
	post("/bookings/{id}/details", h.BookingDetails)
	post("/bookings/{id}/pay", h.BookingPay)
	get("/bookings/{id}/return", h.BookingReturn)
	post("/payments/webhook", h.PaymentWebhook)
	get("/manage", h.ManageFind)
	post("/manage", h.ManageLookup)
	post("/manage/link", h.ManageSendLink)
	get("/manage/link/{token}", h.ManageLink)
	get("/manage/{ref}", h.ManageBooking)
	get("/manage/{ref}/cancel", h.ManageCancelPage)
	post("/manage/{ref}/cancel", h.ManageCancel)
	get("/manage/{ref}/erase", h.ManageErasePage)
	post("/manage/{ref}/erase", h.ManageErase)
	get("/account", h.AccountPage)
	get("/account/erase", h.AccountErasePage)
	post("/account/erase", h.AccountErase)
	post("/account/details", h.AccountDetails)
	get("/account/signup", h.AccountSignupPage)
	post("/account/signup", h.AccountSignup)
	get("/account/verify", h.AccountVerifyPage)
	post("/account/verify", h.AccountVerify)
	post("/account/verify/resend", h.AccountVerifyResend)
	get("/account/login", h.AccountLoginPage)
	post("/account/login", h.AccountLogin)
	post("/account/logout", h.AccountLogout)
	get("/account/reset", h.AccountResetPage)
	post("/account/reset", h.AccountReset)
	get("/account/reset/{token}", h.AccountNewPasswordPage)
	post("/account/reset/{token}", h.AccountNewPassword)
	get("/account/password", h.AccountPasswordPage)
	post("/account/password", h.AccountPassword)
	get("/robots.txt", h.Robots)
	get("/sitemap.xml", h.SitemapIndex)
	get("/sitemaps/{name}", h.Sitemap)

	h.registerAdmin(r)
	h.registerAdminOps(r)
	h.registerAdminMarkups(r)
	h.registerAdminCatalog(r)
	h.registerAdminDashboard(r)

	get("/healthz", h.Healthz)
	get("/readyz", h.Readyz)
	get("/metrics", h.Metrics)
	return r
}

// wrap puts the router behind cross-origin protection and the outer
// middleware.
func (h *Handler) wrap(r http.Handler) http.Handler {
	// Cross-origin protection wraps the whole router: a cross-site POST (or
	// any other unsafe method) to any path is refused with 403. The outer
	// middleware runs first so that refusals, 404s and panics are logged and
	// carry the security headers too.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOriginDenied))
	var app http.Handler = cop.Handler(r)
	for _, mw := range []func(http.Handler) http.Handler{h.accessLog, h.securityHeaders, h.recoverPanic, h.clientIP, h.requestID} {
		app = mw(app)
	}
	return app
}

// route registers fn under method and pattern with the cache policy the
// table assigns to it; an unclassified route is a programming error.
func (h *Handler) route(r chi.Router, method, pattern string, fn http.HandlerFunc) {
	class := cachepolicy.Lookup(method, pattern)
	if class == cachepolicy.Unclassified {
		panic(fmt.Sprintf("route %s %s has no cache class in cachepolicy.Routes", method, pattern))
	}
	r.With(h.cachePolicy(cachepolicy.For(class)), h.measure(pattern)).Method(method, pattern, fn)
}
