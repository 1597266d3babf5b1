package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// ErrRejected is returned when the mail server refuses a recipient for good
// (a 5xx answer to RCPT); sending again will not help.
var ErrRejected = errors.New("recipient rejected")

// SMTP is a Transport that hands emails to a mail server (a relay or the
// email provider's submission endpoint).
//
// It uses the standard library's net/smtp, which covers what Lobang needs
// (STARTTLS, PLAIN auth, one recipient) without a dependency; net/smtp has
// no timeouts of its own, so Send puts one deadline on the connection that
// bounds every step, and cancelling the context aborts the exchange.
type SMTP struct {
	// Addr is host:port.
	Addr string
	// Host is the server name the TLS certificate must match.
	Host string
	// Username and Password, when set, authenticate with AUTH PLAIN, which
	// net/smtp allows only over TLS (or to localhost).
	Username, Password string
	// ImplicitTLS speaks TLS from the first byte (smtps, port 465);
	// otherwise the connection starts plain and upgrades with STARTTLS
	// whenever the server offers it.
	ImplicitTLS bool
	// TLSConfig overrides the TLS settings (tests use a private CA); nil
	// verifies Host against the system's roots.
	TLSConfig *tls.Config
	// Timeout bounds one whole delivery when the context allows longer.
	Timeout time.Duration
	// LocalName is the name sent with EHLO.
	LocalName string
}

// NewSMTP configures an SMTP transport from a URL:
// smtp://user:pass@host:port (STARTTLS when offered; port 587 by default)
// or smtps://user:pass@host:port (implicit TLS; port 465 by default).
// Reserved characters in the user or password are percent-encoded.
func NewSMTP(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's error repeats the URL, password included.
		return nil, errors.New("smtp url: cannot parse")
	}
	s := &SMTP{Host: u.Hostname(), Timeout: time.Minute, LocalName: "localhost"}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.ImplicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp url: scheme %q, want smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("smtp url: no host")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password() // no password is an empty one
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	return s, nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		cfg := s.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
		return cfg
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Send delivers eml in one SMTP session. A refused recipient is ErrRejected.
func (s *SMTP) Send(ctx context.Context, from, to string, eml []byte) error {
	deadline := time.Now().Add(s.Timeout)
	if s.Timeout <= 0 {
		deadline = time.Now().Add(time.Minute)
	}
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	var conn net.Conn
	var err error
	dialer := &net.Dialer{}
	if s.ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", s.Addr, err)
	}
	defer conn.Close()
	// One deadline for the whole exchange; the TLS layer that STARTTLS puts
	// on top reads and writes through this same connection.
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	stop := context.AfterFunc(ctx, func() {
		// A deadline in the past wakes any blocked read or write at once.
		conn.SetDeadline(time.Unix(1, 0)) //nolint:errcheck // the exchange fails either way
	})
	defer stop()

	if err := s.session(conn, from, to, eml); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("smtp %s: %w (%v)", s.Addr, ctxErr, err)
		}
		return fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	return nil
}

func (s *SMTP) session(conn net.Conn, from, to string, eml []byte) error {
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(s.LocalName); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if !s.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("server offers no AUTH, but credentials are configured")
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return fmt.Errorf("rcpt to: %w: %w", ErrRejected, err)
		}
		return fmt.Errorf("rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(eml); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	// The server took the message at the end of DATA. A failing QUIT after
	// that must not count as a failed delivery, or the guest gets it twice.
	c.Quit() //nolint:errcheck // delivered already
	return nil
}
