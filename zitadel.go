package main

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/identity/zitadel"
	"github.com/mfaportal/mfaportal/internal/metrics"
	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// zitadelOptions are the app's options that come from ZITADEL: the backend
// on the instance at ZITADEL_URL or, without it, on the built-in emulator
// started here, with the emulator's clock and dev mode; its calls are
// reported to reg, if any. The login's discovery is read now, so a
// ZITADEL that does not answer stops the start.
func (m *Main) zitadelOptions(reg *metrics.Registry) (handlers.Options, string, error) {
	cfg := m.Config
	timeout := cmp.Or(cfg.ZitadelTimeout, zitadelclient.DefaultTimeout)
	app := cfg.PublicURL.JoinPath(cfg.BasePath)
	login := zitadelclient.LoginConfig{
		ClientID:              cfg.ZitadelClientID,
		ClientSecret:          cfg.ZitadelClientSecret,
		RedirectURI:           app.JoinPath("authenticate").String(),
		PostLogoutRedirectURI: app.JoinPath("login").String(),
		HTTPClient:            &http.Client{Timeout: timeout},
	}
	opts := handlers.Options{Now: time.Now}
	if cfg.ZitadelURL != nil {
		login.Issuer = cfg.ZitadelURL.String()
	} else {
		if err := m.openZitadelEmulator(login.RedirectURI, login.PostLogoutRedirectURI); err != nil {
			return opts, "", err
		}
		login.Issuer, login.ClientID = m.emuURL, m.zemu.ClientID()
		opts.Now = m.zemu.Now // one clock: the emulator's, which /dev/clock moves
	}
	clientCfg := zitadelclient.Config{BaseURL: login.Issuer, Timeout: timeout}
	if reg != nil {
		clientCfg.Observe, login.Observe = reg.ObserveZitadel, reg.ObserveZitadel
	}
	client, err := zitadelclient.New(clientCfg)
	if err != nil {
		return opts, "", configError{err}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	l, err := zitadelclient.NewLogin(ctx, login)
	if err != nil {
		return opts, "", err
	}
	opts.Backend = zitadel.New(client, l)
	if m.zemu != nil {
		if opts.Dev, err = m.zitadelDevMode(ctx, client); err != nil {
			return opts, "", err
		}
	}
	return opts, login.Issuer, nil
}

// openZitadelEmulator starts the ZITADEL demo's emulator on EMULATOR_ADDR.
// The browser goes to it to log in, so its issuer is the address the
// browser and the app both reach, and its application allows exactly the
// app's callback and post-logout page, as one registered in ZITADEL would.
func (m *Main) openZitadelEmulator(redirectURI, postLogoutURI string) error {
	ln, err := net.Listen("tcp", m.Config.EmulatorAddr)
	if err != nil {
		return fmt.Errorf("listen for the built-in ZITADEL emulator on %s: %w", m.Config.EmulatorAddr, err)
	}
	base := reachableURL(ln.Addr(), m.Config.PublicURL)
	emu, err := zitadelemu.New(zitadelemu.Options{
		Seed:                   true,
		Issuer:                 base,
		RedirectURIs:           []string{redirectURI},
		PostLogoutRedirectURIs: []string{postLogoutURI},
	})
	if err != nil {
		ln.Close()
		return fmt.Errorf("start the built-in ZITADEL emulator: %w", err)
	}
	m.zemu, m.devAPI, m.emuURL = emu, emu.Handler(), base
	m.serveEmulator(ln, &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second})
	return nil
}

// reachableURL is the base URL of a listener: its own address, or on
// every interface (0.0.0.0, ::) the public URL's host with its port.
func reachableURL(addr net.Addr, public *url.URL) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsUnspecified() {
		host = public.Hostname()
	}
	return "http://" + net.JoinHostPort(host, port)
}

// zitadelDevMode tells the pages about the ZITADEL emulator: the outbox on
// the app's own address, and the demo users, read through the REST API as
// the app reads members.
func (m *Main) zitadelDevMode(ctx context.Context, client *zitadelclient.Client) (*handlers.DevMode, error) {
	d := &handlers.DevMode{OutboxURL: strings.TrimRight(m.Config.PublicURL.String(), "/") + "/dev/outbox"}
	for _, u := range m.zemu.Users() {
		token, err := m.zemu.Token(u.UserID)
		if err != nil {
			return nil, err
		}
		member, err := client.Member(ctx, token, u.UserID)
		if err != nil {
			return nil, fmt.Errorf("read the ZITADEL emulator's demo user %s: %w", u.LoginName, err)
		}
		a := handlers.DemoAccount{
			Organization: u.OrgID, Email: cmp.Or(member.Email, u.LoginName), Name: member.DisplayName,
			Admin: zitadel.IsAdmin(u.Roles),
		}
		if member.PhoneVerified {
			a.Phone = member.Phone
		}
		d.Accounts = append(d.Accounts, a)
	}
	return d, nil
}

// zitadelStandalone is the ZITADEL emulator of `mfaportal emulator
// -backend zitadel`. Its issuer is the origin each request reaches it at,
// and its application allows any http URL on a loopback host, so an app
// on this machine needs only its URL and client id.
func zitadelStandalone(f *emulatorFlags) (standaloneEmulator, error) {
	emu, err := zitadelemu.New(zitadelemu.Options{Seed: f.seed, ClientID: f.clientID, ClientSecret: f.clientSecret})
	if err != nil {
		return standaloneEmulator{}, err
	}
	return standaloneEmulator{handler: emu.Handler(), settings: func(base string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "ZITADEL emulator listening\n  IDENTITY_BACKEND=zitadel\n  ZITADEL_URL=%s\n  ZITADEL_CLIENT_ID=%s\n", base, emu.ClientID())
		if f.clientSecret != "" {
			fmt.Fprintf(&b, "  ZITADEL_CLIENT_SECRET=%s\n", f.clientSecret)
		}
		fmt.Fprintf(&b, "  dev outbox: %s/dev/outbox\n  dev users: %s/dev/users\n  redirect URIs: any http URL on localhost, 127.0.0.1 or [::1]\n", base, base)
		return b.String()
	}}, nil
}
