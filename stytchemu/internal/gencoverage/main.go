// Command gencoverage writes the emulator's coverage table
// (stytchemu.CoverageFile) in the working directory; `go generate
// ./stytchemu` runs it there.
package main

import (
	"log"
	"os"

	"github.com/mfaportal/mfaportal/stytchemu"
)

func main() {
	if err := os.WriteFile(stytchemu.CoverageFile, []byte(stytchemu.CoverageTable()), 0o644); err != nil {
		log.Fatal(err)
	}
}
