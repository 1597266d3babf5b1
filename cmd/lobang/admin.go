package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"lobang/admin"
	"lobang/db"
	"lobang/fx"
	"lobang/handlers"
	"lobang/internal/sessionstore"
)

// adminCmd runs `lobang admin …`: staff account tools.
func adminCmd(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: lobang admin create-user --email EMAIL --role agent|manager|admin"
	if len(args) == 0 || args[0] != "create-user" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the staff member's email")
	role := fs.String("role", "", "agent, manager or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *role == "" || fs.NArg() > 0 {
		return errors.New(usage)
	}
	if cfg.Embedded() {
		return errors.New("LOBANG_MYSQL_DSN: admin create-user needs a real database (the embedded stack lives inside lobang serve)")
	}
	pool, err := db.Open(ctx, cfg.MySQLDSN, db.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	svc := admin.New(admin.Deps{DB: pool, Logger: log}, admin.Config{})
	token, err := svc.CreateUser(ctx, admin.Staff{IP: "command line"}, *email, admin.Role(*role))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s (%s). One-time enrolment link, valid for 24 hours:\n%s/admin/enrol/%s\n",
		*email, *role, cfg.BaseURL, token)
	return nil
}

// staffAdmin is the staff side of serve: the admin service, and the staff
// session store (its own cookie, 15 minutes idle, 8 hours at most) with
// LOBANG_ADMIN_REFUND_APPROVAL_ABOVE (default 500.00, in the booking's
// currency) for the screens.
func staffAdmin(cfg Config, getenv func(string) string, b *backends, log *slog.Logger) (*admin.Service, handlers.AdminConfig, error) {
	above := strings.TrimSpace(getenv("LOBANG_ADMIN_REFUND_APPROVAL_ABOVE"))
	if above == "" {
		above = "500.00"
	}
	if n, err := fx.ParseMinor(above, 2); err != nil || n < 0 {
		return nil, handlers.AdminConfig{}, errors.New("LOBANG_ADMIN_REFUND_APPROVAL_ABOVE: not an amount such as 500.00")
	}
	store, err := sessionstore.New(b.redis, sessionstore.Options{Name: "lobang-staff",
		Secure: cfg.BaseURL != nil && cfg.BaseURL.Scheme == "https", IdleTimeout: admin.SessionIdle,
		Lifetime: admin.SessionLifetime, Keys: cfg.SessionKeys, KeyPrefix: cfg.RedisPrefix})
	if err != nil {
		return nil, handlers.AdminConfig{}, fmt.Errorf("LOBANG_SESSION_KEYS: %w", err)
	}
	svc := admin.New(admin.Deps{DB: b.db, Redis: b.redis, RedisPrefix: cfg.RedisPrefix, Logger: log}, admin.Config{})
	return svc, handlers.AdminConfig{RefundApprovalAbove: above, MailFrom: cfg.MailFrom, Sessions: store}, nil
}
