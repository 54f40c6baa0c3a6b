package cognito

// MaxPendingSRP is how many PASSWORD_VERIFIER exchanges (InitiateAuth
// USER_SRP_AUTH, or CUSTOM_AUTH with SRP_A, not yet answered) one pool
// keeps. Starting one needs only a username and a public client id, so
// without a bound a flood of InitiateAuth calls grows memory without end
// (each exchange holds about 4 KB). At the bound the oldest pending
// exchange of that pool is dropped first: answering it then fails with
// "Incorrect username or password.", as an unknown SECRET_BLOCK does. An
// exchange is also freed once its session has expired (at the next sweep,
// at most a minute later). 1,000 exchanges per pool is about 4 MB.
const MaxPendingSRP = 1000

// srpQueue keeps the SECRET_BLOCKs of one pool's pending exchanges in the
// order they were issued, so the oldest can be dropped at the bound.
// Blocks already answered or swept stay in keys until they reach the front
// (or a compaction), and are skipped then; live counts the ones still in
// Service.srp.
type srpQueue struct {
	keys []string
	live int
}

// addSRPLocked stores x under block and drops the pool's oldest pending
// exchanges beyond MaxPendingSRP; s.mu must be held.
func (s *Service) addSRPLocked(block string, x *srpExchange) {
	q := s.srpByPool[x.poolID]
	if q == nil {
		q = &srpQueue{}
		s.srpByPool[x.poolID] = q
	}
	s.srp[block] = x
	q.keys = append(q.keys, block)
	q.live++
	limit := s.maxPendingSRP
	if limit <= 0 {
		limit = MaxPendingSRP
	}
	drop := 0
	for q.live > limit && drop < len(q.keys) {
		k := q.keys[drop]
		drop++
		if old := s.srp[k]; old != nil && old.poolID == x.poolID {
			delete(s.srp, k)
			q.live--
		}
	}
	q.keys = q.keys[drop:]
	if len(q.keys) > 2*limit+64 {
		s.compactSRPLocked(x.poolID, q)
	}
}

// compactSRPLocked forgets the answered or swept blocks in q.
func (s *Service) compactSRPLocked(poolID string, q *srpQueue) {
	keep := make([]string, 0, q.live)
	for _, k := range q.keys {
		if x := s.srp[k]; x != nil && x.poolID == poolID {
			keep = append(keep, k)
		}
	}
	q.keys, q.live = keep, len(keep)
	if q.live == 0 {
		delete(s.srpByPool, poolID)
	}
}

// takeSRPLocked removes and returns the exchange stored under block (nil
// if there is none); s.mu must be held.
func (s *Service) takeSRPLocked(block string) *srpExchange {
	x := s.srp[block]
	if x == nil {
		return nil
	}
	s.dropSRPLocked(block, x)
	return x
}

// dropSRPLocked removes the exchange x stored under block.
func (s *Service) dropSRPLocked(block string, x *srpExchange) {
	delete(s.srp, block)
	if q := s.srpByPool[x.poolID]; q != nil {
		q.live--
		if q.live <= 0 {
			delete(s.srpByPool, x.poolID)
		}
	}
}

// pendingSRP is the number of pending exchanges, for tests.
func (s *Service) pendingSRP() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.srp)
}
