package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"lobang/aggregator"
	"lobang/aggregator/catalog"
	"lobang/aggregator/supplierops"
	"lobang/aggregator/suppliers"
	"lobang/fx"
	"lobang/markup"
)

// services are the search pipeline's parts, wired from configuration.
type services struct {
	suppliers []suppliers.Supplier
	fx        *fx.Source
	catalog   *catalog.Catalog
	agg       *aggregator.Aggregator
	health    *supplierops.Health
	switches  *supplierops.Switches
	markups   *markup.Engine
}

// supplierClient is the one HTTP client for every supplier call; each call's
// deadline comes from its context.
func supplierClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}}
}

// newServices builds adapters for the configured suppliers, the FX source,
// the catalog and the aggregator.
func newServices(cfg Config, b *backends, log *slog.Logger, consumer string) (*services, error) {
	client := supplierClient()
	s := &services{
		health:   supplierops.NewHealth(b.redis, cfg.RedisPrefix, log),
		switches: supplierops.NewSwitches(b.redis, cfg.RedisPrefix, log),
	}
	for _, sup := range cfg.Suppliers {
		a, err := suppliers.New(sup.Name, sup.BaseURL.String(), client)
		if err != nil {
			return nil, fmt.Errorf("LOBANG_SUPPLIERS: %w", err)
		}
		// Every caller gets the observed adapter: calls are recorded for
		// the health screen and staff switches apply everywhere.
		s.suppliers = append(s.suppliers, suppliers.Observe(a, s.health, s.switches))
	}
	s.fx = fx.NewSource(cfg.FXURL, b.redis, cfg.RedisPrefix, client, fx.WithLogger(log))
	s.catalog = catalog.New(b.db, s.suppliers, log)
	mapper := aggregator.NewCatalogMapper(b.db, s.catalog, log)
	s.markups = markup.NewEngine(b.db, aggregator.FXConverter{Source: s.fx}, log)
	s.agg = aggregator.New(b.redis, s.suppliers, mapper, aggregator.FXConverter{Source: s.fx}, log, aggregator.Config{
		Prefix:    cfg.RedisPrefix,
		Deadline:  cfg.SupplierDeadline,
		RateLimit: cfg.SearchRateLimit,
		Consumer:  consumer,
		Markups:   s.markups,
	})
	return s, nil
}

// syncStartup syncs the catalog of a handful of popular destinations so the
// dev stack's pages have content at once.
func (s *services) syncStartup(ctx context.Context, log *slog.Logger) {
	start := time.Now()
	reports, err := s.catalog.SyncDestinations(ctx, catalog.StartupDestinations...)
	hotels := 0
	for _, r := range reports {
		hotels += r.Hotels
	}
	if err != nil {
		log.Warn("startup catalog sync", "err", err)
	}
	log.Info("catalog synced", "destinations", len(reports), "hotels", hotels, "took", time.Since(start).Round(time.Millisecond).String())
}

func instanceName(addr string) string {
	return "lobang-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + addr
}
