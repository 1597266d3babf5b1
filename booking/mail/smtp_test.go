package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/booking/mail"
	"lobang/db"
	"lobang/db/dbtest"
)

// testCert makes a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lobang test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

// delivery is one message an in-test SMTP server accepted.
type delivery struct {
	from, to, user string
	tls            bool
	data           []byte
}

// smtpBackend is an in-test mail server's mailbox: it wants AUTH PLAIN as
// user/"p@ss word" and rejects recipients at reject.example.
type smtpBackend struct {
	mu         sync.Mutex
	deliveries []delivery
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, c: c}, nil
}

func (b *smtpBackend) all() []delivery {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]delivery(nil), b.deliveries...)
}

type smtpSession struct {
	b   *smtpBackend
	c   *smtp.Conn
	cur delivery
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "user" || password != "p@ss word" {
			return errors.New("bad credentials")
		}
		s.cur.user = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if _, domain, _ := cutAt(to); domain == "reject.example" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user " + to}
	}
	s.cur.to = to
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = data
	_, s.cur.tls = s.c.TLSConnectionState()
	s.b.mu.Lock()
	s.b.deliveries = append(s.b.deliveries, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.cur = delivery{user: s.cur.user} }
func (s *smtpSession) Logout() error { return nil }

func cutAt(addr string) (string, string, bool) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[:i], addr[i+1:], true
		}
	}
	return addr, "", false
}

// startSMTP runs a mail server on 127.0.0.1: with implicit TLS, or plain
// with STARTTLS offered. It returns its port, its mailbox and a pool that
// trusts its certificate.
func startSMTP(t *testing.T, implicitTLS bool) (int, *smtpBackend, *x509.CertPool) {
	t.Helper()
	cert, roots := testCert(t)
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0)
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if implicitTLS {
		l = tls.NewListener(l, tlsConfig)
	} else {
		srv.TLSConfig = tlsConfig
	}
	go srv.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port, be, roots
}

func TestSMTPDeliversWithSTARTTLSAndAuth(t *testing.T) {
	t.Parallel()
	port, be, roots := startSMTP(t, false)
	tr, err := mail.NewSMTP("smtp://user:p%40ss%20word@127.0.0.1:" + strconv.Itoa(port))
	require.NoError(t, err)
	tr.TLSConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}

	pool := dbtest.MySQL(t)
	ctx := context.Background()
	now := time.Date(2026, 2, 20, 10, 15, 0, 0, time.UTC)
	hotel := seedHotel(t, pool, "Marina Inn", "2 Bayfront Avenue")
	m := seedBooking(t, pool, 1, "LB-SMTP01", hotel, "ada@example.com", now)
	s := newSender(t, mail.Config{DB: pool, Transport: tr, Now: func() time.Time { return now }})
	sent, err := s.SendDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	assert.Equal(t, db.OutboxSent, status(t, pool, m.ID).Status)

	got := be.all()
	require.Len(t, got, 1)
	d := got[0]
	assert.True(t, d.tls, "upgraded with STARTTLS")
	assert.Equal(t, "user", d.user)
	assert.Equal(t, "bookings@lobang.example", d.from)
	assert.Equal(t, "ada@example.com", d.to)
	p := parseEML(t, d.data)
	assert.Equal(t, "Booking confirmed: LB-SMTP01", p.subject)
	assert.Contains(t, p.text, "Dear Zoë,")
	assert.Equal(t, "booking-LB-SMTP01.ics", p.calName)
	lines := unfold(p.calendar)
	assert.Contains(t, lines, "UID:LB-SMTP01@lobang")
	assert.Contains(t, lines, "DTSTART;VALUE=DATE:20260301")
	assert.Contains(t, lines, "SUMMARY:Stay at Marina Inn")
}

func TestSMTPImplicitTLS(t *testing.T) {
	t.Parallel()
	port, be, roots := startSMTP(t, true)
	tr, err := mail.NewSMTP("smtps://user:p%40ss%20word@127.0.0.1:" + strconv.Itoa(port))
	require.NoError(t, err)
	tr.TLSConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	eml := []byte("From: a@lobang.example\r\nTo: b@example.com\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n")
	require.NoError(t, tr.Send(context.Background(), "a@lobang.example", "b@example.com", eml))
	got := be.all()
	require.Len(t, got, 1)
	assert.True(t, got[0].tls)
	assert.Equal(t, string(eml), string(got[0].data), "dot-stuffing is undone by the server")

	err = tr.Send(context.Background(), "a@lobang.example", "x@reject.example", eml)
	require.ErrorIs(t, err, mail.ErrRejected)

	bad := *tr
	bad.TLSConfig = nil // the system roots do not trust the test certificate
	require.Error(t, bad.Send(context.Background(), "a@lobang.example", "b@example.com", eml))
	assert.Len(t, be.all(), 1)
}

func TestSMTPRefusesCredentialsInTheClear(t *testing.T) {
	t.Parallel()
	// A server that offers neither STARTTLS nor AUTH.
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)

	tr, err := mail.NewSMTP("smtp://user:secret@127.0.0.1:" + port)
	require.NoError(t, err)
	err = tr.Send(context.Background(), "a@lobang.example", "b@example.com", []byte("Subject: x\r\n\r\nx\r\n"))
	require.Error(t, err)
	assert.Empty(t, be.all())

	tr, err = mail.NewSMTP("smtp://127.0.0.1:" + port)
	require.NoError(t, err)
	require.NoError(t, tr.Send(context.Background(), "a@lobang.example", "b@example.com", []byte("Subject: x\r\n\r\nx\r\n")),
		"without credentials a plain relay is fine")
	assert.Len(t, be.all(), 1)
}

// silentServer accepts connections and never says a word. It returns its
// address and the connections it accepted.
func silentServer(t *testing.T) (string, <-chan net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for {
			select {
			case c := <-accepted:
				c.Close()
			default:
				return
			}
		}
	})
	return l.Addr().String(), accepted
}

func TestSMTPStopsAtDeadlineAndCancel(t *testing.T) {
	t.Parallel()
	send := func(tr *mail.SMTP, ctx context.Context) <-chan error {
		result := make(chan error, 1)
		go func() { result <- tr.Send(ctx, "a@lobang.example", "b@example.com", []byte("x")) }()
		return result
	}
	wait := func(result <-chan error) error {
		select {
		case err := <-result:
			return err
		case <-time.After(time.Minute):
			t.Fatal("Send did not give up on a silent server")
			return nil
		}
	}

	addr, _ := silentServer(t)
	tr, err := mail.NewSMTP("smtp://" + addr)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	require.Error(t, wait(send(tr, ctx)), "the context's deadline ends the exchange")

	tr.Timeout = 100 * time.Millisecond
	require.Error(t, wait(send(tr, context.Background())), "the transport's own timeout ends the exchange")

	addr, accepted := silentServer(t)
	tr, err = mail.NewSMTP("smtp://" + addr)
	require.NoError(t, err)
	tr.Timeout = time.Hour
	ctx, cancel = context.WithCancel(context.Background())
	result := send(tr, ctx)
	<-accepted // connected and waiting for the greeting
	cancel()
	require.ErrorIs(t, wait(result), context.Canceled)
}

func TestNewSMTP(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]mail.SMTP{
		"smtp://mail.example.com":                   {Addr: "mail.example.com:587", Host: "mail.example.com"},
		"smtp://u:p%2Fw@mail.example.com:2525":      {Addr: "mail.example.com:2525", Host: "mail.example.com", Username: "u", Password: "p/w"},
		"smtps://apikey:s3cret@smtp.example.net":    {Addr: "smtp.example.net:465", Host: "smtp.example.net", Username: "apikey", Password: "s3cret", ImplicitTLS: true},
		"smtp://[::1]:25":                           {Addr: "[::1]:25", Host: "::1"},
		"smtps://only-user@smtp.example.net:10465/": {Addr: "smtp.example.net:10465", Host: "smtp.example.net", Username: "only-user", ImplicitTLS: true},
	} {
		got, err := mail.NewSMTP(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want.Addr, got.Addr, raw)
		assert.Equal(t, want.Host, got.Host, raw)
		assert.Equal(t, want.Username, got.Username, raw)
		assert.Equal(t, want.Password, got.Password, raw)
		assert.Equal(t, want.ImplicitTLS, got.ImplicitTLS, raw)
		assert.Positive(t, got.Timeout, raw)
	}
	for _, raw := range []string{"http://mail.example.com", "smtp://", "smtp://u:secret@host:%zz", "mail.example.com:25"} {
		_, err := mail.NewSMTP(raw)
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "secret", "the password stays out of errors")
	}
}
