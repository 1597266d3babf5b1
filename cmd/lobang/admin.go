package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"lobang/admin"
	"lobang/db"
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
