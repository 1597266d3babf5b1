package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lobang/aggregator/catalog"
	"lobang/aggregator/suppliers"
	"lobang/db"
	"lobang/destinations"
)

const catalogUsage = `usage:
  lobang catalog sync [--destination UID | --popular N | --all]
  lobang catalog eval --destination UID [--truth URL] [--sync]`

// catalogEnv is what the catalog commands run on: backends, adapters and,
// when no suppliers are configured, the simulator in-process.
type catalogEnv struct {
	b       *backends
	sim     *simServer
	catalog *catalog.Catalog
}

func (e *catalogEnv) close() {
	if e.sim != nil {
		e.sim.Close()
	}
	e.b.shutdown()
}

func openCatalog(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger) (*catalogEnv, error) {
	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	env := &catalogEnv{b: b}
	if len(cfg.Suppliers) == 0 {
		simCfg, err := inProcessSimConfig(cfg, getenv, "")
		if err != nil {
			b.shutdown()
			return nil, err
		}
		simCfg.Admin = true // eval reads the ground truth
		env.sim, err = startSim(ctx, simCfg, "127.0.0.1:0", log)
		if err != nil {
			b.shutdown()
			return nil, err
		}
		cfg.Suppliers = env.sim.supplierURLs()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute}}
	var sups []suppliers.Supplier
	for _, s := range cfg.Suppliers {
		a, err := suppliers.New(s.Name, s.BaseURL.String(), client)
		if err != nil {
			env.close()
			return nil, fmt.Errorf("LOBANG_SUPPLIERS: %w", err)
		}
		sups = append(sups, a)
	}
	env.catalog = catalog.New(b.db, sups, log)
	return env, nil
}

// catalogCmd runs `lobang catalog sync|eval`.
func catalogCmd(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stdout, catalogUsage)
		return errors.New("catalog: sync or eval?")
	}
	fs := flag.NewFlagSet("catalog "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	uid := fs.String("destination", "", "destination uid (e.g. i8gS for Singapore)")
	switch args[0] {
	case "sync":
		popular := fs.Int("popular", 0, "sync the N most populous destinations")
		all := fs.Bool("all", false, "sync every destination")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		var uids []string
		switch {
		case *uid != "" && *popular == 0 && !*all:
			uids = []string{*uid}
		case *uid == "" && *popular > 0 && !*all:
			for _, d := range destinations.All()[:min(*popular, len(destinations.All()))] {
				uids = append(uids, d.UID)
			}
		case *uid == "" && *popular == 0 && *all:
			for _, d := range destinations.All() {
				uids = append(uids, d.UID)
			}
		default:
			return errors.New("catalog sync: give exactly one of --destination UID, --popular N, --all")
		}
		return catalogSync(ctx, cfg, getenv, log, uids, stdout)
	case "eval":
		truthURL := fs.String("truth", "", "ground truth URL (the simulator's /_sim/truth); default: the in-process simulator")
		doSync := fs.Bool("sync", false, "sync the destination first (always done on the embedded stack)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *uid == "" {
			return errors.New("catalog eval: --destination UID is required")
		}
		return catalogEval(ctx, cfg, getenv, log, *uid, *truthURL, *doSync, stdout)
	}
	fmt.Fprintln(stdout, catalogUsage)
	return fmt.Errorf("catalog: unknown subcommand %q", args[0])
}

func catalogSync(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, uids []string, stdout io.Writer) error {
	for _, uid := range uids {
		if _, ok := destinations.Lookup(uid); !ok {
			return fmt.Errorf("catalog sync: unknown destination %q", uid)
		}
	}
	env, err := openCatalog(ctx, cfg, getenv, log)
	if err != nil {
		return err
	}
	defer env.close()
	start := time.Now()
	for _, uid := range uids {
		rep, err := env.catalog.SyncDestination(ctx, uid)
		if err != nil {
			return err
		}
		printReport(stdout, rep)
	}
	if len(uids) > 1 {
		fmt.Fprintf(stdout, "synced %d destinations in %s\n", len(uids), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func printReport(w io.Writer, r catalog.Report) {
	d, _ := destinations.Lookup(r.DestinationUID)
	var mapped []string
	for _, s := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Mapped {
			if !yield(k) {
				return
			}
		}
	}) {
		mapped = append(mapped, fmt.Sprintf("%s=%d", s, r.Mapped[s]))
	}
	fmt.Fprintf(w, "%s %s: %d hotels (%d new, %d updated, %d deactivated); mapped %s; %d queued for review; sync took %s\n",
		r.DestinationUID, d.Name, r.Hotels, r.New, r.Updated, r.Deactivated, strings.Join(mapped, " "), r.Queued,
		r.Duration.Round(time.Millisecond))
	for s, e := range r.Failed {
		fmt.Fprintf(w, "  supplier %s failed (previous content kept): %s\n", s, e)
	}
}

func catalogEval(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, uid, truthURL string, doSync bool, stdout io.Writer) error {
	if _, ok := destinations.Lookup(uid); !ok {
		return fmt.Errorf("catalog eval: unknown destination %q", uid)
	}
	env, err := openCatalog(ctx, cfg, getenv, log)
	if err != nil {
		return err
	}
	defer env.close()
	_, synced, err := db.DestinationSyncedAt(ctx, env.b.db, uid)
	if err != nil {
		return err
	}
	if doSync || env.b.embedded || !synced {
		rep, err := env.catalog.SyncDestination(ctx, uid)
		if err != nil {
			return err
		}
		printReport(stdout, rep)
	}
	truth, err := loadTruth(ctx, env, uid, truthURL)
	if err != nil {
		return err
	}
	mapping, err := db.MappingsForDestination(ctx, env.b.db, uid)
	if err != nil {
		return err
	}
	ev := catalog.Eval(mapping, truth)
	fmt.Fprintf(stdout, "%s: precision %.4f (%d of %d merged pairs right), recall %.4f (%d of %d true pairs merged)\n",
		uid, ev.Precision, ev.Correct, ev.MappedPairs, ev.Recall, ev.TruePairs-len(ev.MissedMerges), ev.TruePairs)
	names := map[db.SupplierHotelKey]string{}
	for _, h := range truth {
		for s, id := range h.Suppliers {
			names[db.SupplierHotelKey{Supplier: s, ID: id}] = h.Names[s]
		}
	}
	for _, p := range ev.FalseMerges {
		fmt.Fprintf(stdout, "  false merge: %s/%s %q + %s/%s %q (hotel %d; truly %s and %s)\n",
			p.A.Supplier, p.A.ID, names[p.A], p.B.Supplier, p.B.ID, names[p.B], p.HotelA, p.TruthA, p.TruthB)
	}
	for _, p := range ev.MissedMerges {
		fmt.Fprintf(stdout, "  missed merge: %s/%s %q + %s/%s %q (hotels %d and %d; both %s %v)\n",
			p.A.Supplier, p.A.ID, names[p.A], p.B.Supplier, p.B.ID, names[p.B], p.HotelA, p.HotelB, p.TruthA, p.Cases)
	}
	return nil
}

// loadTruth reads the ground truth from a URL or the in-process simulator.
func loadTruth(ctx context.Context, env *catalogEnv, uid, truthURL string) ([]catalog.TruthHotel, error) {
	if truthURL == "" {
		if env.sim == nil {
			return nil, errors.New("catalog eval: --truth URL is required when suppliers are configured (e.g. http://127.0.0.1:8081/_sim/truth)")
		}
		t, ok := env.sim.sim.Truth(uid)
		if !ok {
			return nil, fmt.Errorf("catalog eval: no truth for %s", uid)
		}
		out := make([]catalog.TruthHotel, 0, len(t.Hotels))
		for _, h := range t.Hotels {
			out = append(out, catalog.TruthHotel{WorldID: h.WorldID, Name: h.Name, Cases: h.Cases, Suppliers: h.Suppliers, Names: h.Names})
		}
		return out, nil
	}
	u, err := url.Parse(truthURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("catalog eval: --truth %q is not an http(s) URL", truthURL)
	}
	q := u.Query()
	if q.Get("destination_id") == "" {
		q.Set("destination_id", uid)
		u.RawQuery = q.Encode()
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("catalog eval: truth: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("catalog eval: truth: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("catalog eval: truth at %s answered %s (is the simulator's admin on?)", u.Redacted(), resp.Status)
	}
	var body struct {
		Hotels []catalog.TruthHotel `json:"hotels"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("catalog eval: decode truth: %w", err)
	}
	return body.Hotels, nil
}
