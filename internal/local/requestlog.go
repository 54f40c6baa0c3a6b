package local

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// logRequests logs one line per request: method, path, operation, status,
// duration and request id. It never logs bodies, query strings or headers
// other than X-Amz-Target, because those carry passwords, codes and tokens.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !logger.Enabled(r.Context(), slog.LevelInfo) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
		}
		if t := r.Header.Get("X-Amz-Target"); t != "" {
			attrs = append(attrs, slog.String("op", t))
		}
		attrs = append(attrs,
			slog.Int("status", rec.status),
			slog.Duration("took", time.Since(start).Round(10*time.Microsecond)),
		)
		if id := rec.Header().Get("x-amzn-RequestId"); id != "" {
			attrs = append(attrs, slog.String("requestId", id))
		}
		if t := rec.Header().Get("x-amzn-ErrorType"); t != "" {
			attrs = append(attrs, slog.String("error", strings.TrimSuffix(t, ":")))
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// statusRecorder remembers the status code. Unwrap lets
// http.ResponseController reach the real writer's Flush, which streaming
// responses (Logs Live Tail) need.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
