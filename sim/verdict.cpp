#include "sim/verdict.hpp"

namespace sim {

const char* to_string(Verdict::Kind k) {
  switch (k) {
    case Verdict::Kind::ok: return "ok";
    case Verdict::Kind::violation: return "violation";
    case Verdict::Kind::deadlock: return "deadlock";
    case Verdict::Kind::livelock_suspect: return "livelock-suspect";
    case Verdict::Kind::aborted: return "aborted";
    case Verdict::Kind::internal_error: return "internal-error";
  }
  return "?";
}

}  // namespace sim
