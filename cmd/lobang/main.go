// Command lobang is the whole platform in one binary: the web server, the
// background worker, migrations, the simulated supplier world and admin
// tools. main only wires the process to run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	_ "time/tzdata" // hotel time zones must load in a image with no zoneinfo
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "lobang:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage: lobang [command]

commands:
  serve          run the web server (default)
  migrate up     apply pending database migrations and load reference data
  migrate status list migrations and whether they are applied
  worker         run background jobs (search fan-outs) without the web server
  suppliersim    serve the simulated suppliers on LOBANG_SIM_ADDR
  catalog sync|eval  sync hotel catalogs from suppliers; measure mapping quality
  assets export DIR  write the fingerprinted static files under DIR (for the CDN bucket)
  healthcheck    exit 0 when the server at LOBANG_ADDR answers /healthz
  admin create-user --email E --role agent|manager|admin  create a staff account; prints its enrolment link
  help           show this help

configuration comes from LOBANG_* environment variables; see README.md.
`

// run is the program: it parses args, reads configuration through getenv and
// writes only to stdout and stderr, so tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := newLogger(cfg, stderr)

	switch cmd {
	case "serve":
		return serve(ctx, cfg, getenv, log, stdout)
	case "worker":
		return work(ctx, cfg, log, stdout)
	case "suppliersim":
		return simulate(ctx, cfg, getenv, log, stdout)
	case "migrate":
		return migrate(ctx, cfg, log, args, stdout)
	case "catalog":
		return catalogCmd(ctx, cfg, getenv, log, args, stdout)
	case "assets":
		return assetsCmd(args, stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "admin":
		return adminCmd(ctx, cfg, log, args, stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
