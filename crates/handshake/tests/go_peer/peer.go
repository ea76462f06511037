// Command peer is Go's crypto/tls (standard library only) as an interop peer for
// tlskit's tests (crates/handshake/tests/interop_go.rs), built offline by the test.
//
//	peer server -cert chain.pem -key key.pem [knobs]   listens on 127.0.0.1:0, prints
//	    "listening PORT", serves connections (-n, 0 = until killed), each on its own
//	    goroutine: the handshake, then per line "echo: LINE", "info" answered with
//	    "info: SUMMARY", "quit" answered with "bye" and close_notify. Prints
//	    "conn I ok SUMMARY" or "conn I error: ERR" per connection.
//	peer client -addr HOST:PORT -ca root.pem [knobs]   -conns connections (sharing an
//	    LRU session cache for resumption), each: the handshake, "hello" echoed, -lines
//	    more lines sent in one write and their echoes checked, "quit" answered with
//	    "bye", read to close_notify; prints "conn I ok SUMMARY" or "conn I error: ERR"
//	    (and exits 1).
//
// SUMMARY is space-separated key=value pairs: version, suite (hex code), suite_name,
// resumed (DidResume), alpn, ekm (ExportKeyingMaterial(-label, nil, 32) in hex, or
// "error:..."), ocsp (the stapled OCSPResponse in hex, "-" for none), peercerts.
// crypto/tls (Go 1.19) does not expose the negotiated group; it is not in the summary.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

const stepTimeout = 10 * time.Second

type knobs struct {
	cert, key, ca, alpn, suites, curves, label, ocsp string
	minV, maxV                                       string
	clientAuth, noTickets                            bool
}

func (k *knobs) register(fs *flag.FlagSet) {
	fs.StringVar(&k.cert, "cert", "", "certificate chain (PEM)")
	fs.StringVar(&k.key, "key", "", "private key (PEM)")
	fs.StringVar(&k.ca, "ca", "", "trust anchor (PEM): the server's roots (client), client-certificate roots (server)")
	fs.StringVar(&k.alpn, "alpn", "", "ALPN protocols, comma-separated")
	fs.StringVar(&k.suites, "suites", "", "TLS 1.2 cipher suites, hex codes, comma-separated")
	fs.StringVar(&k.curves, "curves", "", "curve preferences: x25519,p256,p384,p521")
	fs.StringVar(&k.label, "label", "EXPORTER-tlskit-interop", "exporter label")
	fs.StringVar(&k.ocsp, "ocsp", "", "server: DER OCSPResponse to staple")
	fs.StringVar(&k.minV, "min", "1.2", "minimum version: 1.2 or 1.3")
	fs.StringVar(&k.maxV, "max", "1.3", "maximum version: 1.2 or 1.3")
	fs.BoolVar(&k.clientAuth, "clientauth", false, "server: require a client certificate verified against -ca")
	fs.BoolVar(&k.noTickets, "notickets", false, "server: no session tickets")
}

func version(s string) (uint16, error) {
	switch s {
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("unknown version %q", s)
}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func pool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", path)
	}
	return p, nil
}

// config builds the part of tls.Config both modes share.
func (k *knobs) config() (*tls.Config, error) {
	c := &tls.Config{}
	var err error
	if c.MinVersion, err = version(k.minV); err != nil {
		return nil, err
	}
	if c.MaxVersion, err = version(k.maxV); err != nil {
		return nil, err
	}
	for _, s := range list(k.suites) {
		code, err := strconv.ParseUint(s, 16, 16)
		if err != nil {
			return nil, fmt.Errorf("suite %q: %v", s, err)
		}
		c.CipherSuites = append(c.CipherSuites, uint16(code))
	}
	for _, s := range list(k.curves) {
		id, ok := map[string]tls.CurveID{
			"x25519": tls.X25519, "p256": tls.CurveP256, "p384": tls.CurveP384, "p521": tls.CurveP521,
		}[s]
		if !ok {
			return nil, fmt.Errorf("unknown curve %q", s)
		}
		c.CurvePreferences = append(c.CurvePreferences, id)
	}
	c.NextProtos = list(k.alpn)
	if k.cert != "" {
		cert, err := tls.LoadX509KeyPair(k.cert, k.key)
		if err != nil {
			return nil, fmt.Errorf("key pair: %v", err)
		}
		if k.ocsp != "" {
			if cert.OCSPStaple, err = os.ReadFile(k.ocsp); err != nil {
				return nil, err
			}
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

func summary(cs tls.ConnectionState, label string) string {
	ekm := "-"
	if b, err := cs.ExportKeyingMaterial(label, nil, 32); err != nil {
		ekm = "error:" + strings.ReplaceAll(err.Error(), " ", "_")
	} else {
		ekm = hex.EncodeToString(b)
	}
	alpn := cs.NegotiatedProtocol
	if alpn == "" {
		alpn = "-"
	}
	ocsp := "-"
	if len(cs.OCSPResponse) > 0 {
		ocsp = hex.EncodeToString(cs.OCSPResponse)
	}
	return fmt.Sprintf("version=%s suite=%04x suite_name=%s resumed=%t alpn=%s ekm=%s ocsp=%s peercerts=%d",
		versionName(cs.Version), cs.CipherSuite, tls.CipherSuiteName(cs.CipherSuite), cs.DidResume,
		alpn, ekm, ocsp, len(cs.PeerCertificates))
}

// out serializes the lines the goroutines print.
var out sync.Mutex

func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	fmt.Printf(format+"\n", args...)
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

func serve(conn *tls.Conn, i int, label string) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(stepTimeout))
	if err := conn.Handshake(); err != nil {
		say("conn %d error: %s", i, oneLine(err))
		return
	}
	info := summary(conn.ConnectionState(), label)
	say("conn %d ok %s", i, info)
	r := bufio.NewReader(conn)
	for {
		conn.SetDeadline(time.Now().Add(stepTimeout))
		line, err := r.ReadString('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				say("conn %d read error: %s", i, oneLine(err))
			}
			return
		}
		line = strings.TrimRight(line, "\r\n")
		var reply string
		switch line {
		case "quit":
			conn.Write([]byte("bye\n"))
			return // Close sends close_notify
		case "info":
			reply = "info: " + info
		default:
			reply = "echo: " + line
		}
		if _, err := conn.Write([]byte(reply + "\n")); err != nil {
			say("conn %d write error: %s", i, oneLine(err))
			return
		}
	}
}

func server(k *knobs, n int) error {
	c, err := k.config()
	if err != nil {
		return err
	}
	c.SessionTicketsDisabled = k.noTickets
	if k.clientAuth {
		if c.ClientCAs, err = pool(k.ca); err != nil {
			return err
		}
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", c)
	if err != nil {
		return err
	}
	say("listening %d", ln.Addr().(*net.TCPAddr).Port)
	var wg sync.WaitGroup
	for i := 0; n == 0 || i < n; i++ {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			serve(conn.(*tls.Conn), i, k.label)
		}(i)
	}
	wg.Wait()
	return nil
}

func clientConn(c *tls.Config, addr string, i int, label string, lines int) error {
	dialer := &net.Dialer{Timeout: stepTimeout}
	conn, err := tls.DialWithDialer(dialer, "tcp", addr, c)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(stepTimeout))
	r := bufio.NewReader(conn)
	// "hello" first: a TLS 1.3 NewSessionTicket is processed before its echo.
	if _, err := conn.Write([]byte("hello\n")); err != nil {
		return err
	}
	if line, err := r.ReadString('\n'); err != nil || line != "echo: hello\n" {
		return fmt.Errorf("echo: %q %v", line, err)
	}
	say("conn %d ok %s", i, summary(conn.ConnectionState(), label))
	var bulk strings.Builder
	for j := 0; j < lines; j++ {
		fmt.Fprintf(&bulk, "line %05d %s\n", j, strings.Repeat("x", 60))
	}
	if _, err := conn.Write([]byte(bulk.String())); err != nil {
		return err
	}
	for j := 0; j < lines; j++ {
		conn.SetDeadline(time.Now().Add(stepTimeout))
		want := fmt.Sprintf("echo: line %05d %s\n", j, strings.Repeat("x", 60))
		if line, err := r.ReadString('\n'); err != nil || line != want {
			return fmt.Errorf("echo of line %d: %q %v", j, line, err)
		}
	}
	if _, err := conn.Write([]byte("quit\n")); err != nil {
		return err
	}
	if line, err := r.ReadString('\n'); err != nil || line != "bye\n" {
		return fmt.Errorf("bye: %q %v", line, err)
	}
	// The server's close_notify ends the stream with io.EOF.
	if rest, err := io.ReadAll(r); err != nil || len(rest) != 0 {
		return fmt.Errorf("after bye: %q %v", rest, err)
	}
	return nil
}

func client(k *knobs, addr string, conns, lines int) error {
	c, err := k.config()
	if err != nil {
		return err
	}
	c.ServerName = "localhost"
	if c.RootCAs, err = pool(k.ca); err != nil {
		return err
	}
	c.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	for i := 0; i < conns; i++ {
		if err := clientConn(c, addr, i, k.label, lines); err != nil {
			say("conn %d error: %s", i, oneLine(err))
			return errors.New("failed")
		}
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peer server|client [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var k knobs
	k.register(fs)
	n := fs.Int("n", 0, "server: connections to serve (0: until killed)")
	addr := fs.String("addr", "", "client: server address")
	conns := fs.Int("conns", 1, "client: connections, sharing a session cache")
	lines := fs.Int("lines", 0, "client: lines sent (and echoes checked) after hello")
	fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "server":
		err = server(&k, *n)
	case "client":
		err = client(&k, *addr, *conns, *lines)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}
