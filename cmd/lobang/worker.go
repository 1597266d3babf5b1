package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// work runs `lobang worker`: the background jobs without the web server —
// search jobs from the shared Redis stream and the booking reconciler —
// until SIGINT/SIGTERM. On a
// signal it stops taking jobs; unfinished ones are taken over by other
// workers.
func work(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.Embedded() {
		return errors.New("LOBANG_MYSQL_DSN and LOBANG_REDIS_URL: the worker joins other processes through real servers")
	}
	if len(cfg.Suppliers) == 0 {
		return errors.New("LOBANG_SUPPLIERS: the worker needs the suppliers the web servers use")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer b.shutdown()
	host, _ := os.Hostname()
	svc, err := newServices(cfg, b, log, instanceName("worker@"+host))
	if err != nil {
		return err
	}
	health, err := startWorkerHealth(ctx, cfg, svc, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := health.Close(); err != nil {
			log.Warn("stop worker health", "err", err)
		}
	}()
	var background sync.WaitGroup
	jobs := "search jobs"
	if bookings := newBookings(cfg, b, svc, log); bookings != nil {
		background.Go(func() { reconcile(ctx, bookings, log) })
		sender, err := newMailSender(cfg, b, log)
		if err != nil {
			return err
		}
		background.Go(func() {
			if err := sender.Run(ctx); err != nil {
				log.Error("email sender", "err", err)
			}
		})
		jobs += ", booking reconciler, email sender"
	}
	fmt.Fprintln(stdout, "Lobang worker running: "+jobs)
	log.Info("worker started", "suppliers", len(svc.suppliers))
	err = svc.agg.Run(ctx)
	background.Wait()
	if err != nil {
		return fmt.Errorf("search workers: %w", err)
	}
	log.Info("worker stopped")
	return nil
}
