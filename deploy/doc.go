// Package deploy holds Lobang's AWS templates (deploy/cloudfront, …) and the
// tests that hold them to the code: the CDN's behaviours must agree with the
// cache-class table in cachepolicy.
package deploy
