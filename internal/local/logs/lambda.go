package logs

import (
	"fmt"
	"math"
	"time"
)

// Lambda's log shapes (protocol reference §7.7), for the local services
// that write as a Lambda function would: the group and stream names and the
// platform lines, byte for byte (START/END with spaces, REPORT with tabs and
// a final tab, each ending in a newline).

// LambdaGroup is a function's log group, "/aws/lambda/<function>".
func LambdaGroup(function string) string { return "/aws/lambda/" + function }

// LambdaStream is an execution environment's stream name,
// "YYYY/MM/DD/[<version>]<32 hex>", dated in UTC.
func LambdaStream(day time.Time, version string, env [16]byte) string {
	return fmt.Sprintf("%s/[%s]%x", day.UTC().Format("2006/01/02"), version, env[:])
}

// LambdaStartLine is "START RequestId: <id> Version: <version>\n".
func LambdaStartLine(requestID, version string) string {
	return "START RequestId: " + requestID + " Version: " + version + "\n"
}

// LambdaEndLine is "END RequestId: <id>\n".
func LambdaEndLine(requestID string) string { return "END RequestId: " + requestID + "\n" }

// LambdaReportLine is the REPORT line; init > 0 adds "Init Duration" (a
// cold start) and is billed too, as since 2025-08-01.
func LambdaReportLine(requestID string, duration, init time.Duration, memoryMB, maxMemoryMB int) string {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	billed := math.Ceil(ms(duration) + ms(init))
	line := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		requestID, ms(duration), max(billed, 1), memoryMB, maxMemoryMB)
	if init > 0 {
		line += fmt.Sprintf("Init Duration: %.2f ms\t", ms(init))
	}
	return line + "\n"
}

// LambdaRuntimeLine is a Node.js runtime line:
// "<RFC 3339 ms time>\t<id>\t<LEVEL>\t<message>\n".
func LambdaRuntimeLine(t time.Time, requestID, level, message string) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z") + "\t" + requestID + "\t" + level + "\t" + message + "\n"
}
