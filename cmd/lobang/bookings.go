package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"lobang/booking"
	"lobang/booking/mail"
	"lobang/booking/payments"
)

// reconcileEvery is how often the reconciler looks at unfinished bookings.
const reconcileEvery = 30 * time.Second

// newPayments builds the configured payment provider: Stripe when its key
// is set, else the simulated provider at LOBANG_PAY_URL. Without either,
// bookings are off (nil) and the booking pages answer 503.
func newPayments(cfg Config) (payments.Provider, string) {
	client := &http.Client{Timeout: 30 * time.Second}
	switch {
	case cfg.StripeSecretKey != "":
		return payments.NewStripe(payments.StripeConfig{SecretKey: cfg.StripeSecretKey,
			WebhookSecret: cfg.StripeWebhookSecret, HTTPClient: client}), "stripe"
	case cfg.PayURL != "":
		return payments.NewSim(cfg.PayURL, cfg.PaySecretKey, cfg.PayWebhookSecret, client), "simulated at " + cfg.PayURL
	}
	return nil, ""
}

// checkoutOrigins are the origins of the configured provider's hosted
// checkout, where the guest details form leads by redirect.
func checkoutOrigins(cfg Config) []string {
	switch {
	case cfg.StripeSecretKey != "":
		return []string{"https://checkout.stripe.com"}
	case cfg.PayURL != "":
		if u, err := url.Parse(cfg.PayURL); err == nil {
			return []string{u.Scheme + "://" + u.Host}
		}
	}
	return nil
}

// newBookings builds the booking service over the search pipeline's
// suppliers and rates, or nil when no payment provider is configured.
func newBookings(cfg Config, b *backends, svc *services, log *slog.Logger) *booking.Service {
	pay, name := newPayments(cfg)
	if pay == nil {
		log.Warn("no payment provider configured (LOBANG_STRIPE_SECRET_KEY or LOBANG_PAY_URL): booking is off")
		return nil
	}
	log.Info("payments", "provider", name)
	return booking.New(booking.Deps{DB: b.db, Redis: b.redis, RedisPrefix: cfg.RedisPrefix, Suppliers: svc.suppliers,
		Payments: pay, Rates: svc.fx, Logger: log, Notify: booking.Publisher(b.redis, cfg.RedisPrefix, log)}, booking.Config{})
}

// newMailSender builds the outbox sender: SMTP when LOBANG_SMTP_URL is
// set, else .eml files in LOBANG_MAIL_DIR.
func newMailSender(cfg Config, b *backends, log *slog.Logger) (*mail.Sender, error) {
	dir := cfg.MailDir
	if cfg.SMTPURL != "" {
		dir = ""
	}
	t, err := mail.OpenTransport(cfg.SMTPURL, dir)
	if err != nil {
		return nil, fmt.Errorf("LOBANG_SMTP_URL / LOBANG_MAIL_DIR: %w", err)
	}
	if cfg.SMTPURL == "" {
		log.Info("emails are written as .eml files", "dir", dir)
	}
	return mail.New(mail.Config{DB: b.db, Transport: t, From: cfg.MailFrom, Logger: log})
}

// reconcile runs the booking reconciler every reconcileEvery until ctx
// ends. Several processes may run it: each booking's work is leased.
func reconcile(ctx context.Context, bookings *booking.Service, log *slog.Logger) {
	t := time.NewTicker(reconcileEvery)
	defer t.Stop()
	for {
		res, err := bookings.Reconcile(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("reconcile bookings", "err", err)
		}
		if res != (booking.ReconcileResult{}) {
			log.Info("reconciled bookings", "confirmed", res.Confirmed, "failed", res.Failed,
				"expired", res.Expired, "pending", res.Pending)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
