package handlers

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"lobang/accounts"
	"lobang/booking"
	"lobang/db"
	"lobang/views"
)

// AccountErasePage answers GET /account/erase: what deleting the account
// erases, or which stays must be cancelled first.
func (h *Handler) AccountErasePage(w http.ResponseWriter, r *http.Request) {
	a, _, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	v, err := h.accountEraseView(r, a)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.AccountErasePage(v))
}

func (h *Handler) accountEraseView(r *http.Request, a accounts.Account) (views.AccountEraseView, error) {
	av, err := h.accountView(r, a, views.DetailsForm{})
	if err != nil {
		return views.AccountEraseView{}, err
	}
	v := views.AccountEraseView{Meta: h.meta("Delete your account", "", "", true), Attribution: h.cfg.Attribution,
		Email: a.Email, Verified: a.Verified}
	if a.Verified {
		v.Upcoming = av.Upcoming
	}
	return v, nil
}

// AccountErase answers POST /account/erase: in one transaction the account
// is deleted and, when its email was confirmed, the personal data of every
// booking made with it is erased (refused while a stay is to come); the
// erasure is recorded without saying whose it was, and every session of
// the account ends.
func (h *Handler) AccountErase(w http.ResponseWriter, r *http.Request) {
	a, _, ok := h.requireAccount(w, r)
	if !ok {
		return
	}
	if h.bookings == nil {
		h.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	err := db.WithTx(r.Context(), h.db, func(tx *sql.Tx) error {
		counts := db.ErasedCounts{}
		if a.Verified {
			// Only a confirmed address proves the bookings are this person's.
			erased, err := h.bookings.EraseGuestIn(r.Context(), tx, a.Email)
			if err != nil {
				return err
			}
			counts.Add(erased)
		}
		deleted, err := db.DeleteAccount(r.Context(), tx, a.ID)
		if err != nil {
			return err
		}
		counts.Add(deleted)
		_, err = db.RecordErasure(r.Context(), tx, time.Now().UTC(), counts)
		return err
	})
	var upcoming *booking.UpcomingBookingsError
	switch {
	case errors.As(err, &upcoming):
		v, verr := h.accountEraseView(r, a)
		if verr != nil {
			h.serverError(w, r, verr)
			return
		}
		h.render(w, r, http.StatusConflict, views.AccountErasePage(v))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if _, err := h.sessions.RevokeOwner(context.WithoutCancel(r.Context()), ownerOf(a.ID), ""); err != nil {
		h.log.Warn("end sessions after erasure", "err", err, "request_id", RequestID(r.Context()))
	}
	if sess, err := h.sessions.Session(r); err == nil {
		if err := h.sessions.Destroy(r, w, sess); err != nil {
			h.log.Warn("end session after erasure", "err", err, "request_id", RequestID(r.Context()))
		}
	}
	h.log.Info("account erased")
	http.Redirect(w, r, "/manage?notice=erased", http.StatusSeeOther)
}
