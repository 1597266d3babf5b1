package markup_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/db"
	"lobang/db/dbtest"
	"lobang/fx"
	"lobang/markup"
)

func TestPercentRoundsToTheCurrencysMinorUnit(t *testing.T) {
	for _, tc := range []struct {
		amount, bp, want int64
	}{
		{10000, 1000, 1000}, // 10% of 100.00
		{12345, 250, 309},   // 2.5% of ¥12,345 = ¥308.625 → ¥309
		{12345, 1250, 1543}, // 12.5% of 123.45 = 15.43125 → 15.43
		{99, 5000, 50},      // half rounds away from zero
		{0, 1000, 0},
		{-200, 250, -5},
	} {
		assert.Equal(t, tc.want, markup.Percent(tc.amount, tc.bp), "%d × %d bp", tc.amount, tc.bp)
	}
}

func TestMostSpecificRuleWins(t *testing.T) {
	rules := []markup.Rule{
		{ID: 1, Kind: db.MarkupPercent, PercentBP: 100},
		{ID: 2, Supplier: "wgl", Kind: db.MarkupPercent, PercentBP: 200},
		{ID: 3, DestinationUID: "i8gS", Kind: db.MarkupPercent, PercentBP: 300},
		{ID: 4, Supplier: "wgl", DestinationUID: "i8gS", Kind: db.MarkupPercent, PercentBP: 400},
	}
	for _, tc := range []struct {
		supplier, dest string
		want           int64
	}{
		{"wgl", "i8gS", 4},
		{"bedcom", "i8gS", 3},
		{"wgl", "9Ywx", 2},
		{"bedcom", "9Ywx", 1},
	} {
		r, ok := markup.Pick(rules, tc.supplier, tc.dest)
		require.True(t, ok)
		assert.Equal(t, tc.want, r.ID, "%s in %s", tc.supplier, tc.dest)
	}
	_, ok := markup.Pick(rules[1:2], "bedcom", "9Ywx")
	assert.False(t, ok)
}

type perSGD map[string]int64 // minor units of a currency per SGD 1.00

func (p perSGD) Convert(_ context.Context, m fx.Money, to string) (fx.Money, error) {
	return fx.Money{Amount: m.Amount * p[to] / p[m.Currency], Currency: to}, nil
}

// TestEngineAppliesStoredRules: rules stored in MySQL apply at once after
// Invalidate; a fixed amount in SGD is converted to a JPY price in whole yen.
func TestEngineAppliesStoredRules(t *testing.T) {
	pool := dbtest.MySQL(t)
	ctx := context.Background()
	e := markup.NewEngine(pool, perSGD{"SGD": 100, "JPY": 110}, nil)
	m, err := e.Markup(ctx, "wgl", "i8gS", fx.Money{Amount: 20000, Currency: "JPY"})
	require.NoError(t, err)
	assert.Zero(t, m.Amount.Amount, "no rule, no markup")

	now := time.Now()
	require.NoError(t, db.PutMarkupRule(ctx, pool, db.MarkupRule{Supplier: "wgl", Kind: db.MarkupFixed, Amount: 500,
		Currency: "SGD", UpdatedBy: "admin@lobang.test", UpdatedAt: now}))
	require.NoError(t, db.PutMarkupRule(ctx, pool, db.MarkupRule{Kind: db.MarkupPercent, PercentBP: 250,
		UpdatedBy: "admin@lobang.test", UpdatedAt: now}))
	e.Invalidate()
	m, err = e.Markup(ctx, "wgl", "i8gS", fx.Money{Amount: 20000, Currency: "JPY"})
	require.NoError(t, err)
	assert.Equal(t, fx.Money{Amount: 550, Currency: "JPY"}, m.Amount, "SGD 5.00 is ¥550")
	m, err = e.Markup(ctx, "bedcom", "i8gS", fx.Money{Amount: 12345, Currency: "JPY"})
	require.NoError(t, err)
	assert.Equal(t, fx.Money{Amount: 309, Currency: "JPY"}, m.Amount)
	assert.EqualValues(t, 250, m.PercentBP)

	// One rule per scope: putting it again replaces it.
	require.NoError(t, db.PutMarkupRule(ctx, pool, db.MarkupRule{Kind: db.MarkupPercent, PercentBP: 1000,
		UpdatedBy: "admin@lobang.test", UpdatedAt: now}))
	rules, err := db.MarkupRules(ctx, pool)
	require.NoError(t, err)
	assert.Len(t, rules, 2)
	require.NoError(t, db.DeleteMarkupRule(ctx, pool, rules[0].ID))
	assert.ErrorIs(t, db.DeleteMarkupRule(ctx, pool, rules[0].ID), db.ErrNotFound)
}
