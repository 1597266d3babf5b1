//go:build noembed

package dbtest

import "errors"

func startEmbedded() (string, string, error) {
	return "", "", errors.New("built with -tags noembed")
}
