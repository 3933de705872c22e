package views

import "strings"

// phoneEnding is the digits a masked number shows at its end, "" if none.
func phoneEnding(masked string) string {
	i := len(masked)
	for i > 0 && masked[i-1] >= '0' && masked[i-1] <= '9' {
		i--
	}
	if i == len(masked) || !strings.Contains(masked, "•") {
		return ""
	}
	return masked[i:]
}
