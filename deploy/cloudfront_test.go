package deploy

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"lobang/cachepolicy"
)

// template is the distribution with CloudFormation's short tags turned
// into their long forms ({"Ref": x}, {"Fn::Sub": x}, …).
type template = map[string]any

func loadTemplate(t *testing.T) template {
	t.Helper()
	b, err := os.ReadFile("cloudfront/distribution.yaml")
	require.NoError(t, err)
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(b, &root))
	doc, ok := plain(root.Content[0]).(map[string]any)
	require.True(t, ok, "the template is a mapping")
	return doc
}

// plain converts a YAML node to maps, slices and strings, keeping short
// tags as their long forms.
func plain(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, plain(c))
		}
		v = s
	case yaml.AliasNode:
		return plain(n.Alias)
	default:
		v = n.Value
	}
	if tag, ok := strings.CutPrefix(n.Tag, "!"); ok && !strings.HasPrefix(tag, "!") {
		if tag != "Ref" {
			tag = "Fn::" + tag
		}
		return map[string]any{tag: v}
	}
	return v
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

func strs(v any, path ...string) []string {
	var out []string
	items, _ := get(v, path...).([]any)
	for _, it := range items {
		s, _ := it.(string)
		out = append(out, s)
	}
	return out
}

// resource follows a !Ref to its resource's properties.
func resource(t *testing.T, tpl template, ref any) map[string]any {
	t.Helper()
	name := str(ref, "Ref")
	require.NotEmpty(t, name, "a policy is referenced with !Ref")
	props, ok := get(tpl, "Resources", name, "Properties").(map[string]any)
	require.True(t, ok, "resource %s exists", name)
	return props
}

// TestCloudFrontMatchesCachePolicy fails when the distribution's behaviours,
// keys or TTLs disagree with cachepolicy.Behaviours.
func TestCloudFrontMatchesCachePolicy(t *testing.T) {
	tpl := loadTemplate(t)
	dist := get(tpl, "Resources", "Distribution", "Properties", "DistributionConfig")
	require.NotNil(t, dist)
	yamlBehaviours, _ := get(dist, "CacheBehaviors").([]any)
	defaultBehaviour := get(dist, "DefaultCacheBehavior")

	var want []string
	for _, b := range cachepolicy.Behaviours {
		if b.PathPattern != "*" {
			want = append(want, b.PathPattern)
		}
	}
	var got []string
	for _, b := range yamlBehaviours {
		got = append(got, str(b, "PathPattern"))
	}
	assert.Equal(t, want, got, "the same path patterns in the same order")
	require.Equal(t, "*", cachepolicy.Behaviours[len(cachepolicy.Behaviours)-1].PathPattern, "the table ends with the default")

	for i, b := range cachepolicy.Behaviours {
		var yb any = defaultBehaviour
		if b.PathPattern != "*" {
			require.Less(t, i, len(yamlBehaviours))
			yb = yamlBehaviours[i]
		}
		t.Run(b.PathPattern, func(t *testing.T) {
			p := cachepolicy.For(b.Class)
			assert.Equal(t, "true", str(yb, "Compress"), "compression on")
			assert.Equal(t, "redirect-to-https", str(yb, "ViewerProtocolPolicy"))

			cache := get(resource(t, tpl, get(yb, "CachePolicyId")), "CachePolicyConfig")
			assert.Equal(t, "0", str(cache, "MinTTL"), "Min TTL 0: the origin's no-store is honoured")
			assert.Equal(t, itoa(p.CDNTTL.Seconds()), str(cache, "MaxTTL"), "Max TTL is the class's s-maxage")
			wantDefault := "0"
			if b.Class == cachepolicy.Immutable {
				wantDefault = itoa(p.CDNTTL.Seconds())
			}
			assert.Equal(t, wantDefault, str(cache, "DefaultTTL"))

			key := get(cache, "ParametersInCacheKeyAndForwardedToOrigin")
			// CloudFront refuses compression settings in a policy that
			// caches nothing.
			wantEncoding := strconv.FormatBool(p.CDNTTL > 0)
			assert.Equal(t, wantEncoding, str(key, "EnableAcceptEncodingGzip"))
			assert.Equal(t, wantEncoding, str(key, "EnableAcceptEncodingBrotli"))
			assert.Equal(t, "none", str(key, "CookiesConfig", "CookieBehavior"), "cookies never in a cache key")
			assert.Equal(t, "none", str(key, "HeadersConfig", "HeaderBehavior"), "public pages never vary by header")
			qs := get(key, "QueryStringsConfig")
			switch {
			case b.AllQuery:
				assert.Equal(t, "all", str(qs, "QueryStringBehavior"))
			case len(b.QueryKeys) == 0:
				assert.Equal(t, "none", str(qs, "QueryStringBehavior"))
			default:
				assert.Equal(t, "whitelist", str(qs, "QueryStringBehavior"))
				assert.Equal(t, b.QueryKeys, strs(qs, "QueryStrings"), "exactly the parameters the pages read")
			}

			origin := get(resource(t, tpl, get(yb, "OriginRequestPolicyId")), "OriginRequestPolicyConfig")
			if len(b.Headers) > 0 {
				assert.Equal(t, "whitelist", str(origin, "HeadersConfig", "HeaderBehavior"))
				assert.Equal(t, b.Headers, strs(origin, "HeadersConfig", "Headers"))
			} else {
				assert.Equal(t, "none", str(origin, "HeadersConfig", "HeaderBehavior"))
			}
			wantCookies := "none"
			if b.Cookies {
				wantCookies = "all"
			}
			assert.Equal(t, wantCookies, str(origin, "CookiesConfig", "CookieBehavior"))
			assert.Equal(t, "none", str(origin, "QueryStringsConfig", "QueryStringBehavior"), "no query beyond the key")

			methods := strs(yb, "AllowedMethods")
			if b.Writes {
				assert.Contains(t, methods, "POST", "bookings and webhooks post through it")
			} else {
				assert.Equal(t, []string{"GET", "HEAD"}, methods)
			}
		})
	}
}

// TestEveryRouteHasABehaviour checks that each route falls under a CDN
// behaviour that can keep it as long as its class allows, and that a
// private route is never under a behaviour that would key away its query.
func TestEveryRouteHasABehaviour(t *testing.T) {
	for key, class := range cachepolicy.Routes {
		_, pattern, _ := strings.Cut(key, " ")
		b := behaviourFor(pattern)
		p := cachepolicy.For(class)
		assert.GreaterOrEqual(t, cachepolicy.For(b.Class).CDNTTL, p.CDNTTL, "%s under %s", key, b.PathPattern)
		if strings.HasPrefix(pattern, "/hotels/") {
			assert.Equal(t, cachepolicy.StayKeys, b.QueryKeys, key)
		}
		if b.PathPattern == "*" {
			assert.True(t, b.AllQuery, key)
		}
	}
}

// behaviourFor is the behaviour CloudFront picks for a route: the first
// pattern that matches (only trailing * wildcards are used).
func behaviourFor(route string) cachepolicy.Behaviour {
	for _, b := range cachepolicy.Behaviours {
		prefix, wild := strings.CutSuffix(b.PathPattern, "*")
		if (wild && strings.HasPrefix(route, prefix)) || route == b.PathPattern {
			return b
		}
	}
	return cachepolicy.Behaviours[len(cachepolicy.Behaviours)-1]
}

func itoa(seconds float64) string { return strconv.FormatInt(int64(seconds), 10) }
