package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

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

// TLS modes of SMTPConfig.
const (
	// TLSStartTLS (the default) requires the server to offer STARTTLS and upgrades before
	// anything else is said; a server that does not offer it gets no mail.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit = "implicit"
	// TLSNone sends in the clear: only for a relay on the same host or network.
	TLSNone = "none"
)

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	// Addr is the server's host:port (e.g. smtp.example.com:587).
	Addr string
	// From is the sender address, optionally with a name ("AccessHive <noreply@example.com>").
	From string
	// User and Password authenticate with AUTH PLAIN when User is set (never in the clear to
	// anything but localhost).
	User     string
	Password string
	// LocalName is the name given in EHLO (default "localhost").
	LocalName string
	// TLS is TLSStartTLS (default), TLSImplicit or TLSNone.
	TLS string
	// TLSConfig verifies the server; nil means the system roots and the host of Addr.
	TLSConfig *tls.Config
	// Timeout bounds one whole delivery (default 30s).
	Timeout time.Duration
}

// LogValue keeps the password out of logs.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", c.Addr), slog.String("from", c.From), slog.String("user", c.User),
		slog.Bool("password_set", c.Password != ""), slog.String("tls", c.TLS))
}

// SMTPSender delivers e-mail through an SMTP server with github.com/wneessen/go-mail, one
// connection per message. By default it requires STARTTLS: a server (or a man in the middle)
// that does not offer it gets nothing, rather than the message in the clear.
type SMTPSender struct {
	cfg  SMTPConfig
	host string
	port int
	from *mail.Address
}

// NewSMTPSender checks cfg and returns a sender; it does not connect yet.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("notify: smtp address %q must be host:port", cfg.Addr)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("notify: smtp address %q must be host:port", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp from address %q: %w", cfg.From, err)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("notify: smtp tls mode %q: one of starttls, implicit, none", cfg.TLS)
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPSender{cfg: cfg, host: host, port: port, from: from}, nil
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
	msg := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(headerSafe(e.Subject))
	msg.SetDate()
	if e.Key != "" {
		domain := "accesshive.local"
		if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 {
			domain = s.from.Address[at+1:]
		}
		msg.SetMessageIDWithValue("notification." + headerSafe(strings.NewReplacer(">", "", "<", "", " ", "").Replace(e.Key)) + "@" + domain)
	} else {
		msg.SetMessageID()
	}
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, strings.ReplaceAll(e.Body, "\r\n", "\n"))

	opts := []gomail.Option{
		gomail.WithPort(s.port), gomail.WithHELO(s.cfg.LocalName), gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(s.tlsConfig()),
		// One message per connection: no NOOP before it, no RSET after it.
		gomail.WithoutNoop(), gomail.WithoutRset(),
	}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.User != "" {
		// PLAIN refuses an unencrypted connection to anything but localhost.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("notify: smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(err)
	}
	return nil
}

// classify wraps an SMTP error; a permanent (5xx) refusal is permanent for the job, everything
// else may pass on a retry.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
		return job.Permanent(fmt.Errorf("notify: smtp: %w", err))
	}
	return fmt.Errorf("notify: smtp: %w", err)
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
