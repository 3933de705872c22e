package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestRequestIDHandlerAddsTheID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(withRequestID(slog.NewJSONHandler(&buf, nil)))
	ctx := WithRequestID(context.Background(), "req-12345678")

	log.InfoContext(ctx, "code sent", "member_id", "m1")
	log.InfoContext(ctx, "explicit", "request_id", "other-id")
	log.Info("no context")

	var lines []map[string]any
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[0]["request_id"] != "req-12345678" {
		t.Errorf("line from a request lacks its id: %v", lines[0])
	}
	if lines[1]["request_id"] != "other-id" {
		t.Errorf("an explicit request_id was overwritten: %v", lines[1])
	}
	if _, ok := lines[2]["request_id"]; ok {
		t.Errorf("a line outside any request got an id: %v", lines[2])
	}
}

func TestWithRequestID(t *testing.T) {
	if got := RequestID(context.Background()); got != "" {
		t.Errorf("RequestID of a bare context = %q", got)
	}
	if got := RequestID(WithRequestID(context.Background(), "job-12345678")); got != "job-12345678" {
		t.Errorf("RequestID = %q", got)
	}
}
