package main

import (
	"errors"
	"fmt"
	"io"

	"lobang/assets"
)

// assetsCmd runs `lobang assets export DIR`: it writes every static file
// under its fingerprinted URL path so the pipeline can sync DIR to the assets
// bucket before traffic shifts to the release that references them.
func assetsCmd(args []string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "export" || args[1] == "" {
		return errors.New("usage: lobang assets export DIR")
	}
	if err := assets.Export(args[1]); err != nil {
		return fmt.Errorf("assets export: %w", err)
	}
	fmt.Fprintf(stdout, "exported %d assets to %s\n", len(assets.Names()), args[1])
	return nil
}
