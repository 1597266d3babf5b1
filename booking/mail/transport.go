package mail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// Transport delivers one rendered email (eml) from the envelope address
// from to the envelope address to.
type Transport interface {
	Send(ctx context.Context, from, to string, eml []byte) error
}

// OpenTransport picks the transport a process is configured with: SMTP when
// smtpURL is set, else a directory of .eml files when dir is set.
func OpenTransport(smtpURL, dir string) (Transport, error) {
	switch {
	case smtpURL != "" && dir != "":
		return nil, errors.New("mail transport: set an SMTP URL or a mail directory, not both")
	case smtpURL != "":
		return NewSMTP(smtpURL)
	case dir != "":
		return NewDir(dir)
	}
	return nil, errors.New("mail transport: neither an SMTP URL nor a mail directory is set")
}

// Dir is a Transport for the dev stack: it writes each email into a
// directory as <created>-<reference>-<kind>.eml, which any mail client opens.
type Dir struct {
	path string
}

// NewDir returns a Dir transport writing into path, which it creates.
func NewDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("mail directory: %w", err)
	}
	return &Dir{path: path}, nil
}

// Path is the directory the emails go to.
func (d *Dir) Path() string { return d.path }

// fileMeta names the file of an email; the Sender passes it in the context
// so that Transport stays what SMTP needs.
type fileMeta struct {
	created time.Time
	name    string // the booking's reference, or an id without one
	kind    string
}

type fileMetaKey struct{}

func withFileMeta(ctx context.Context, m fileMeta) context.Context {
	return context.WithValue(ctx, fileMetaKey{}, m)
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Send writes eml to a temporary file and then gives it its final name in
// one step, so a reader of the directory never sees half an email. A name
// already taken (a resend) gets a -2, -3… suffix rather than replacing it.
func (d *Dir) Send(ctx context.Context, _, _ string, eml []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	meta, ok := ctx.Value(fileMetaKey{}).(fileMeta)
	if !ok {
		meta = fileMeta{created: time.Now(), name: "message", kind: "email"}
	}
	stem := meta.created.UTC().Format("20060102T150405.000000Z") + "-" +
		unsafeFileChars.ReplaceAllString(meta.name, "_") + "-" + unsafeFileChars.ReplaceAllString(meta.kind, "_")

	tmp, err := os.CreateTemp(d.path, ".sending-*.tmp")
	if err != nil {
		return fmt.Errorf("mail directory: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone already after a rename; after a link it is the spare name
	if _, err := tmp.Write(eml); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	for i := 1; ; i++ {
		name := stem + ".eml"
		if i > 1 {
			name = stem + "-" + strconv.Itoa(i) + ".eml"
		}
		final := filepath.Join(d.path, name)
		// A hard link publishes the complete file and, unlike a rename,
		// refuses to replace an existing one.
		err := os.Link(tmp.Name(), final)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links on this file system: fall back to a rename.
		if _, statErr := os.Stat(final); statErr == nil {
			continue
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return fmt.Errorf("publish %s: %w", final, err)
		}
		return nil
	}
}
