package notify_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/notify"
)

// fakeSMTP is a minimal SMTP server: EHLO, optional STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
type fakeSMTP struct {
	ln       net.Listener
	tls      *tls.Config  // offers STARTTLS when set
	rcptCode atomic.Int32 // answers RCPT TO with this code when set (e.g. 550)

	mu   sync.Mutex
	msgs []received
}

type received struct {
	from, to string
	data     string
	tls      bool
	auth     string
}

func startSMTP(t *testing.T, tlsCfg *tls.Config) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeSMTP{ln: ln, tls: tlsCfg}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) received() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.msgs...)
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	_ = tp.PrintfLine("220 fake ESMTP")
	var cur received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"fake"}
			if f.tls != nil && !cur.tls {
				lines = append(lines, "STARTTLS")
			}
			lines = append(lines, "AUTH PLAIN", "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				_ = tp.PrintfLine("250%s%s", sep, l)
			}
		case "STARTTLS":
			_ = tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, f.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			tp = textproto.NewConn(tc)
			cur = received{tls: true}
		case "AUTH":
			_, b64, _ := strings.Cut(arg, " ")
			raw, _ := base64.StdEncoding.DecodeString(b64)
			cur.auth = string(raw)
			_ = tp.PrintfLine("235 ok")
		case "MAIL":
			cur.from = arg
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			if code := f.rcptCode.Load(); code != 0 {
				_ = tp.PrintfLine("%d no such user", code)
				continue
			}
			cur.to = arg
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(data)
			f.mu.Lock()
			f.msgs = append(f.msgs, cur)
			f.mu.Unlock()
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 not implemented")
		}
	}
}

// selfSigned returns a server TLS config for 127.0.0.1 and a client config trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fake smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func parse(t *testing.T, data string) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(data)))
	require.NoError(t, err)
	return m
}

func TestSMTPSenderPlain(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, nil)
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.ln.Addr().String(), From: "AccessHive <noreply@accesshive.test>", User: "mailer", Password: "mail-pw"})
	require.NoError(t, err)
	err = s.Send(context.Background(), notify.Email{
		To: "alice@acme.test", Subject: "Your Météo access is ready\r\nBcc: evil@example.com",
		Body: "Hello Alice,\n\n.leading dot line\nA long line " + strings.Repeat("é", 100) + "\n",
	})
	require.NoError(t, err)

	got := srv.received()
	require.Len(t, got, 1)
	require.False(t, got[0].tls)
	require.Equal(t, "FROM:<noreply@accesshive.test>", strings.Fields(got[0].from)[0])
	require.Equal(t, "TO:<alice@acme.test>", got[0].to)
	require.Equal(t, "\x00mailer\x00mail-pw", got[0].auth, "AUTH PLAIN is allowed to localhost without TLS")
	m := parse(t, got[0].data)
	require.Empty(t, m.Header.Get("Bcc"), "no header injection")
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, "Your Météo access is ready  Bcc: evil@example.com", subject)
	require.Equal(t, "quoted-printable", m.Header.Get("Content-Transfer-Encoding"))
	require.NotEmpty(t, m.Header.Get("Message-Id"))
	require.NotEmpty(t, m.Header.Get("Date"))
	body, err := io.ReadAll(m.Body)
	require.NoError(t, err)
	for _, line := range strings.Split(string(body), "\n") {
		require.LessOrEqual(t, len(line), 78, "quoted-printable keeps lines short")
	}
	require.Contains(t, string(body), ".leading dot line", "dot-stuffing undone by the server")
}

// A notification sent twice (its worker killed after the server took it and before emailed_at
// committed) is the same message both times: its Message-ID comes from the notification's id,
// so mail systems and readers see one message. Without a key, each message gets its own id.
func TestSMTPSenderMessageIDFromKey(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, nil)
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.ln.Addr().String(), From: "AccessHive <noreply@accesshive.test>"})
	require.NoError(t, err)
	key := "0b9f3c0e-5d7a-4c1e-9a51-3f2b8e6d7c10"
	for i := 0; i < 2; i++ {
		require.NoError(t, s.Send(context.Background(), notify.Email{To: "alice@acme.test", Subject: "Hi", Body: "x", Key: key}))
	}
	require.NoError(t, s.Send(context.Background(), notify.Email{To: "alice@acme.test", Subject: "Hi", Body: "x"}))
	require.NoError(t, s.Send(context.Background(), notify.Email{To: "alice@acme.test", Subject: "Hi", Body: "x"}))
	got := srv.received()
	require.Len(t, got, 4)
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = parse(t, r.data).Header.Get("Message-Id")
	}
	require.Equal(t, "<notification."+key+"@accesshive.test>", ids[0])
	require.Equal(t, ids[0], ids[1], "the same notification is the same message")
	require.NotEqual(t, ids[2], ids[3], "unkeyed messages get their own ids")
	require.NotEqual(t, ids[0], ids[2])
}

func TestSMTPSenderStartTLS(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := selfSigned(t)
	srv := startSMTP(t, serverTLS)
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.ln.Addr().String(), From: "noreply@accesshive.test", User: "mailer", Password: "mail-pw", TLSConfig: clientTLS})
	require.NoError(t, err)
	require.NoError(t, s.Send(context.Background(), notify.Email{To: "bob@globex.test", Subject: "Hi", Body: "Hello"}))
	got := srv.received()
	require.Len(t, got, 1)
	require.True(t, got[0].tls, "upgraded with STARTTLS when offered")
	require.Equal(t, "\x00mailer\x00mail-pw", got[0].auth)

	// A certificate the client does not trust fails the delivery (and may be retried).
	s, err = notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.ln.Addr().String(), From: "noreply@accesshive.test"})
	require.NoError(t, err)
	err = s.Send(context.Background(), notify.Email{To: "bob@globex.test", Subject: "Hi", Body: "Hello"})
	require.Error(t, err)
	require.Len(t, srv.received(), 1)
}

func TestSMTPSenderErrors(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, nil)
	srv.rcptCode.Store(550)
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.ln.Addr().String(), From: "noreply@accesshive.test"})
	require.NoError(t, err)
	err = s.Send(context.Background(), notify.Email{To: "gone@acme.test", Subject: "x", Body: "x"})
	require.ErrorIs(t, err, job.ErrPermanent, "5xx is permanent")

	srv.rcptCode.Store(451)
	err = s.Send(context.Background(), notify.Email{To: "later@acme.test", Subject: "x", Body: "x"})
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent, "4xx may pass")

	err = s.Send(context.Background(), notify.Email{To: "not an address", Subject: "x"})
	require.ErrorIs(t, err, job.ErrPermanent)

	_, err = notify.NewSMTPSender(notify.SMTPConfig{Addr: "no-port", From: "a@b.c"})
	require.Error(t, err)
	_, err = notify.NewSMTPSender(notify.SMTPConfig{Addr: "smtp.example.com:587", From: "nobody"})
	require.Error(t, err)

	// Nothing listens: a dial error, retried.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	s, err = notify.NewSMTPSender(notify.SMTPConfig{Addr: addr, From: "noreply@accesshive.test", Timeout: time.Second})
	require.NoError(t, err)
	err = s.Send(context.Background(), notify.Email{To: "a@acme.test", Subject: "x"})
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent)
}
