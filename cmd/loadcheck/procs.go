package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// proc is a server under load, in a process of its own.
type proc struct {
	cmd   *exec.Cmd
	url   string
	start time.Duration // from exec to the first 200
}

// startApp builds mfaportal and runs it on the built-in emulator, in an
// environment of its own: no Stytch credentials come in by accident.
func startApp(redisURL string) (*proc, error) {
	dir, err := os.MkdirTemp("", "loadcheck-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // the running process keeps its binary
	bin := filepath.Join(dir, "mfaportal")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/mfaportal/mfaportal").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	cmd, addr := exec.Command(bin), freeAddr()
	cmd.Env = []string{"ADDR=" + addr, "METRICS_ADDR=" + freeAddr(), "COOKIE_SECURE=false"}
	if redisURL != "" {
		cmd.Env = append(cmd.Env, "REDIS_URL="+redisURL)
	}
	return startProc(cmd, addr, "/healthz")
}

// baselineEnv makes this program (or its test) serve the baseline on the
// address it holds: a process of its own meets the load as the app does.
const baselineEnv = "LOADCHECK_BASELINE_ADDR"

func startBaseline() (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd, addr := exec.Command(self), freeAddr()
	cmd.Env = []string{baselineEnv + "=" + addr}
	return startProc(cmd, addr, "/")
}

// serveBaseline is a bare echo handler, no middleware, writing a page
// about the size of the settings page (uncompressed).
func serveBaseline(addr string) error {
	page := "<!doctype html><html><head><title>Security settings</title></head><body><main><h1>Security settings</h1>" +
		strings.Repeat("<p>Two-step verification by text message is on.</p>", 40) + "</main></body></html>"
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	return http.ListenAndServe(addr, e)
}

// startProc starts cmd, its output going to the null device, and waits up
// to 10 s for a 200 from readyPath. (io.Discard would make exec copy the
// app's log through a pipe in this process, on the CPU the load needs.)
func startProc(cmd *exec.Cmd, addr, readyPath string) (*proc, error) {
	cmd.Stdout, cmd.Stderr = nil, nil
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, url: "http://" + addr}
	for time.Since(began) < 10*time.Second {
		if _, err := body(client.Get(p.url + readyPath)); err == nil {
			p.start = time.Since(began)
			return p, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("%s did not answer %s within 10s", filepath.Base(cmd.Path), readyPath)
}

// stop interrupts the process, and kills it if it is still there 5 s later.
func (p *proc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	t := time.AfterFunc(5*time.Second, func() { p.cmd.Process.Kill() })
	p.cmd.Wait()
	t.Stop()
}

// memory is the process's resident set (VmRSS) and its peak (VmHWM), in
// KB; 0 if /proc cannot tell.
func (p *proc) memory() (rssKB, peakKB int) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	for line := range strings.SplitSeq(string(b), "\n") {
		fmt.Sscanf(line, "VmRSS: %d kB", &rssKB)
		fmt.Sscanf(line, "VmHWM: %d kB", &peakKB)
	}
	return rssKB, peakKB
}

// freeAddr is a loopback address whose port was free a moment ago.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	fail(err)
	defer ln.Close()
	return ln.Addr().String()
}
