package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"lobang/views"
)

// isPartial reports whether htmx asked for a fragment (not a boosted page or
// a history restore, which get full pages).
func isPartial(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Request-Type") == "partial"
}

// render writes c with status, rendering into a buffer first so that a
// failure mid-render becomes the 500 page rather than half a page with 200.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		if status >= http.StatusInternalServerError {
			// The error page itself failed: fall back to plain text.
			h.log.Error("render error page", "err", err, "request_id", RequestID(r.Context()))
			http.Error(w, "Internal server error", status)
			return
		}
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		h.log.Debug("write response", "err", err, "request_id", RequestID(r.Context()))
	}
}

func (h *Handler) meta(title, description, path string, noIndex bool) views.Meta {
	m := views.Meta{Title: title, Description: description, NoIndex: noIndex}
	if path != "" && h.cfg.BaseURL != nil {
		m.Canonical = h.cfg.BaseURL.JoinPath(path).String()
	}
	return m
}

var errorTexts = map[int][2]string{
	http.StatusBadRequest:          {"That request didn't make sense", "Something in the address or form was not what we expected. Please go back and try again."},
	http.StatusForbidden:           {"That isn't allowed", "This request was refused. If you followed a link from another site, start again from our home page."},
	http.StatusNotFound:            {"We couldn't find that page", "The page may have moved, or the address may be mistyped. Try a search from the home page."},
	http.StatusMethodNotAllowed:    {"That isn't allowed here", "This address doesn't accept that kind of request."},
	http.StatusTooManyRequests:     {"Too many requests", "You're going a little fast. Please wait a moment and try again."},
	http.StatusInternalServerError: {"Something went wrong on our side", "We've logged the problem and will look into it. Please try again in a moment."},
	http.StatusServiceUnavailable:  {"We're briefly unavailable", "Please try again in a moment."},
}

// renderError answers with the error page, or a fragment-sized error for a
// partial htmx request.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int) {
	text, ok := errorTexts[status]
	if !ok {
		text = [2]string{http.StatusText(status), ""}
	}
	v := views.ErrorView{
		Meta:        h.meta(text[0], text[1], "", true),
		Status:      status,
		Heading:     text[0],
		Message:     text[1],
		RequestID:   RequestID(r.Context()),
		Attribution: h.cfg.Attribution,
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if isPartial(r) {
		h.render(w, r, status, views.ErrorFragment(v))
		return
	}
	h.render(w, r, status, views.ErrorPage(v))
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound)
}

func (h *Handler) notFoundHandler(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusMethodNotAllowed)
}

func (h *Handler) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	h.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
		"request_id", RequestID(r.Context()))
	h.renderError(w, r, http.StatusForbidden)
}

// serverError logs err with the request id and answers with the 500 page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away; nothing to answer
	}
	h.log.Error("server error", "err", err, "method", r.Method, "path", r.URL.Path,
		"request_id", RequestID(r.Context()))
	h.renderError(w, r, http.StatusInternalServerError)
}
