package stytchemu_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/stytchemu"
)

// TestCoverageFileIsCurrent keeps COVERAGE.md in step with the route table.
func TestCoverageFileIsCurrent(t *testing.T) {
	got, err := os.ReadFile(stytchemu.CoverageFile)
	if err != nil {
		t.Fatalf("%v; run go generate ./stytchemu", err)
	}
	if want := stytchemu.CoverageTable(); string(got) != want {
		t.Fatalf("%s is stale; run go generate ./stytchemu", stytchemu.CoverageFile)
	}
	if !strings.Contains(string(got), "| `POST /v1/b2b/discovery/organizations` | emulated |") {
		t.Fatalf("%s lacks a route:\n%s", stytchemu.CoverageFile, got)
	}
}
