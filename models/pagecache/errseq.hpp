// errseq_t (lib/errseq.c, Jeff Layton, 4.13; the rule for an error nobody
// has seen, 4.16's "errseq: Always report a writeback error once"): a
// 32-bit value holding the last error (its low 12 bits), a SEEN flag and a
// counter, so that each struct file that sampled it can tell whether an
// error happened since, and each reports it once. Pure functions on the
// value: the caller's step announces the object that holds it.
#pragma once

#include <cstdint>

namespace models::pagecache::errseq {

inline constexpr std::uint32_t MAX_ERRNO = 4095;
inline constexpr std::uint32_t ERRSEQ_SEEN = 1u << 12;        // ilog2(MAX_ERRNO) + 1
inline constexpr std::uint32_t ERRSEQ_CTR_INC = 1u << 13;

// lib/errseq.c errseq_set: record `err` (negative); the counter moves on
// only if the previous error was seen, so that an unseen error is not
// counted twice. Returns the new value.
inline std::uint32_t errseq_set(std::uint32_t old, int err) {
  std::uint32_t next = (old & ~(MAX_ERRNO | ERRSEQ_SEEN)) | static_cast<std::uint32_t>(-err);
  if (old & ERRSEQ_SEEN) next += ERRSEQ_CTR_INC;
  return next;
}

// lib/errseq.c errseq_sample (4.16): 0 when the current error has not been
// seen, so that an opener after it still reports it once.
inline std::uint32_t errseq_sample(std::uint32_t old) { return (old & ERRSEQ_SEEN) ? old : 0; }

// lib/errseq.c errseq_check: the error recorded since `since`, or 0.
inline int errseq_check(std::uint32_t cur, std::uint32_t since) {
  if (cur == since) return 0;
  return -static_cast<int>(cur & MAX_ERRNO);
}

// lib/errseq.c errseq_check_and_advance: the error since `since` (0 if
// none), and mark it seen; `since` advances to the new value.
inline int errseq_check_and_advance(std::uint32_t& cur, std::uint32_t& since) {
  if (cur == since) return 0;
  cur |= ERRSEQ_SEEN;
  since = cur;
  return -static_cast<int>(cur & MAX_ERRNO);
}

}  // namespace models::pagecache::errseq
