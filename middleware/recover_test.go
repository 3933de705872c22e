package middleware

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/logging"
)

func TestRecover(t *testing.T) {
	tests := []struct {
		name     string
		onPanic  func(w http.ResponseWriter, r *http.Request)
		wantBody string
		wantType string
	}{
		{"default page", nil, "Something went wrong on our side. Nothing was changed.\n", "text/plain; charset=utf-8"},
		{"custom page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("<h1>Sorry</h1> " + logging.RequestID(r.Context())))
		}, "<h1>Sorry</h1> req-12345678", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, nil))
			h := RequestLog(logger)(Recover(logger, tt.onPanic)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "mfaportal", Value: "half-made"})
				w.Header().Set("Content-Type", "application/json")
				panic(errors.New("boom: nil map in enroll"))
			})))
			r := httptest.NewRequest(http.MethodPost, "/enroll", nil)
			r.Header.Set("X-Request-Id", "req-12345678")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)

			if rec.Code != http.StatusInternalServerError {
				t.Errorf("status = %d, want 500", rec.Code)
			}
			if rec.Body.String() != tt.wantBody {
				t.Errorf("body = %q, want %q", rec.Body.String(), tt.wantBody)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantType)
			}
			if sc := rec.Header().Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("half-made cookies sent: %q", sc)
			}
			for _, leak := range []string{"boom", "goroutine", ".go:"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("response leaks %q: %q", leak, rec.Body.String())
				}
			}
			lines := logLines(t, &logs)
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want the panic and the request", len(lines))
			}
			p := lines[0]
			if p["level"] != "ERROR" || p["request_id"] != "req-12345678" || p["panic"] != "boom: nil map in enroll" ||
				!strings.Contains(p["stack"].(string), "recover_test.go") {
				t.Errorf("panic log = %v", p)
			}
			if lines[1]["status"] != float64(500) {
				t.Errorf("request logged with status %v, want 500", lines[1]["status"])
			}
		})
	}
}

func TestRecoverAfterWriteAborts(t *testing.T) {
	h := Recover(slog.New(slog.DiscardHandler), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>half a page"))
		panic("late")
	}))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler so net/http drops the connection", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestRecoverPassesAbortHandler(t *testing.T) {
	var logs bytes.Buffer
	h := Recover(slog.New(slog.NewJSONHandler(&logs, nil)), nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
		if logs.Len() != 0 {
			t.Errorf("an intentional abort was logged: %s", logs.String())
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

// TestEchoStack runs the middleware the way handlers.New wires it, through
// echo.WrapMiddleware, over a real server.
func TestEchoStack(t *testing.T) {
	var logs bytes.Buffer
	logger := logging.New(&logs, "json", slog.LevelInfo)
	e := echo.New()
	e.Use(echo.WrapMiddleware(RequestLog(logger)))
	e.Use(echo.WrapMiddleware(Recover(logger, nil)))
	e.Use(echo.WrapMiddleware(SecurityHeaders(HeadersConfig{StaticPrefix: "/static/"})))
	e.Use(echo.WrapMiddleware(MaxBody(16)))
	e.GET("/panic", func(c echo.Context) error { panic("handler bug") })
	e.POST("/form", func(c echo.Context) error {
		if err := c.Request().ParseForm(); IsTooLarge(err) {
			return c.String(http.StatusRequestEntityTooLarge, "too large")
		}
		return c.String(http.StatusOK, "id="+logging.RequestID(c.Request().Context()))
	})
	srv := httptest.NewServer(e)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/panic?token=SECRET")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("panic answer: %d %v", resp.StatusCode, resp.Header)
	}

	resp, err = http.Post(srv.URL+"/form", "application/x-www-form-urlencoded", strings.NewReader("phone="+strings.Repeat("9", 40)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: status %d, want 413", resp.StatusCode)
	}
	if strings.Contains(logs.String(), "SECRET") {
		t.Errorf("query logged: %s", logs.String())
	}
}
