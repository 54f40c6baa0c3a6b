package apigw

// VerifyEveryRequest turns off the verified-token memo, so every request
// pays for its RSA verification (the benchmark's cold case).
func VerifyEveryRequest(s *Service) { s.keys.noMemo = true }
