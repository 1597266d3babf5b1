package assets

import (
	"fmt"
	"os"
	"path/filepath"
)

// Export writes every static file into dir under its URL path, without the leading slash:
// dir/assets/css/app.<hash>.css. Syncing dir to the root of a bucket therefore serves each file
// at the same URL as Handler does. Existing files of the same name are overwritten.
func Export(dir string) error {
	for _, f := range reg.byFingerprint {
		dst := filepath.Join(dir, filepath.FromSlash(Prefix[1:]+f.fingerprint))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("export %s: %w", f.name, err)
		}
		if err := os.WriteFile(dst, f.body, 0o644); err != nil {
			return fmt.Errorf("export %s: %w", f.name, err)
		}
	}
	return nil
}
