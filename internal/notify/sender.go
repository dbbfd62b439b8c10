package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/accesshive/accesshive/internal/job"
)

// Email is one message to one recipient: plain text, no secrets.
type Email struct {
	To      string
	Subject string
	Body    string
	// Key, when set, names the message for good (the notification's id): its Message-ID is
	// derived from it, so that a message sent again after a crash between the server's
	// acceptance and the emailed_at stamp is the same message, which mail systems and readers
	// recognise as a duplicate. Empty means a random Message-ID.
	Key string
}

// Sender delivers e-mail. Implementations return an error wrapped with job.Permanent when no
// retry can help (a malformed address, a 5xx answer), so the job is not retried.
type Sender interface {
	Send(ctx context.Context, e Email) error
}

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	// Addr is the server's host:port (e.g. smtp.example.com:587).
	Addr string
	// From is the sender address, optionally with a name ("AccessHive <noreply@example.com>").
	From string
	// User and Password authenticate with AUTH PLAIN when User is set. net/smtp refuses to send
	// them over an unencrypted connection to anything but localhost.
	User     string
	Password string
	// LocalName is the name given in EHLO (default "localhost").
	LocalName string
	// ImplicitTLS speaks TLS from the first byte (SMTPS, port 465) instead of upgrading with
	// STARTTLS, which is used whenever the server offers it.
	ImplicitTLS bool
	// TLSConfig verifies the server; nil means the system roots and the host of Addr.
	TLSConfig *tls.Config
	// Timeout bounds one whole delivery (default 30s).
	Timeout time.Duration
}

// LogValue keeps the password out of logs.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", c.Addr), slog.String("from", c.From), slog.String("user", c.User),
		slog.Bool("password_set", c.Password != ""), slog.Bool("implicit_tls", c.ImplicitTLS))
}

// SMTPSender delivers e-mail through an SMTP server, one connection per message, upgrading
// to TLS with STARTTLS when the server offers it.
type SMTPSender struct {
	cfg  SMTPConfig
	host string
	from *mail.Address
}

// NewSMTPSender checks cfg and returns a sender; it does not connect yet.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("notify: smtp address %q must be host:port", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp from address %q: %w", cfg.From, err)
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPSender{cfg: cfg, host: host, from: from}, nil
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	if s.cfg.TLSConfig != nil {
		return s.cfg.TLSConfig.Clone()
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// Send delivers e.
func (s *SMTPSender) Send(ctx context.Context, e Email) error {
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return job.Permanent(fmt.Errorf("notify: recipient address: %w", err))
	}
	msg, err := buildMessage(s.from, to, e, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp dial: %w", err)
	}
	// The deadline bounds every read and write; closing on cancel ends a stuck conversation.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	if s.cfg.ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return fmt.Errorf("notify: smtp tls: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close()
		return classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return classify("hello", err)
	}
	if !s.cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return classify("starttls", err)
			}
		}
	}
	if s.cfg.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("notify: smtp server offers no AUTH, but a user is configured")
		}
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.host)); err != nil {
			return classify("auth", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return classify("mail from", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return classify("rcpt to", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("data", err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify("data", err)
	}
	if err := w.Close(); err != nil {
		return classify("data", err)
	}
	// The message was accepted at the end of DATA; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// classify wraps an SMTP error; a 5xx answer is permanent, everything else may pass.
func classify(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return job.Permanent(fmt.Errorf("notify: smtp %s: %w", step, err))
	}
	return fmt.Errorf("notify: smtp %s: %w", step, err)
}

// headerSafe drops characters that could end a header line (header injection).
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, s)
}

// buildMessage renders e as an RFC 5322 message: UTF-8 plain text, quoted-printable, CRLF.
func buildMessage(from, to *mail.Address, e Email, now time.Time) ([]byte, error) {
	domain := "accesshive.local"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	local := "notification." + headerSafe(strings.ReplaceAll(e.Key, ">", ""))
	if e.Key == "" {
		id := make([]byte, 12)
		_, _ = rand.Read(id)
		local = hex.EncodeToString(id)
	}
	var b bytes.Buffer
	for _, h := range [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", headerSafe(e.Subject))},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + local + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"Auto-Submitted", "auto-generated"},
	} {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(e.Body, "\r\n", "\n"))); err != nil {
		return nil, fmt.Errorf("notify: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("notify: encode body: %w", err)
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// CaptureSender keeps every message in memory instead of sending it, and logs that it did:
// the sender of dev mode and tests. It is safe for concurrent use.
type CaptureSender struct {
	log     *slog.Logger
	mu      sync.Mutex
	msgs    []Email
	fail    error
	changed chan struct{}
}

// NewCaptureSender returns an empty capture; log may be nil.
func NewCaptureSender(log *slog.Logger) *CaptureSender {
	return &CaptureSender{log: log, changed: make(chan struct{})}
}

// Send records e, or returns the error set with SetError.
func (c *CaptureSender) Send(ctx context.Context, e Email) error {
	c.mu.Lock()
	if c.fail != nil {
		err := c.fail
		c.mu.Unlock()
		return err
	}
	c.msgs = append(c.msgs, e)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	if c.log != nil {
		c.log.InfoContext(ctx, "notify: e-mail captured (not sent)", "to", e.To, "subject", e.Subject)
	}
	return nil
}

// SetError makes every following Send fail with err; nil lets them succeed again.
func (c *CaptureSender) SetError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

// Messages returns a copy of the captured messages, oldest first.
func (c *CaptureSender) Messages() []Email {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Email(nil), c.msgs...)
}

// WaitFor waits up to timeout for a message to the address to (any when empty) whose subject
// contains subjectContains, and returns the first such message.
func (c *CaptureSender) WaitFor(to, subjectContains string, timeout time.Duration) (Email, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		for _, m := range c.msgs {
			if (to == "" || strings.EqualFold(m.To, to)) && strings.Contains(m.Subject, subjectContains) {
				c.mu.Unlock()
				return m, true
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return Email{}, false
		}
	}
}
