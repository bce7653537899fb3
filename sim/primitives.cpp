#include "sim/primitives.hpp"

#include <algorithm>

namespace sim {

// ---------------------------------------------------------------- BitLock

BitLock::BitLock(Execution& ex, std::string name) : ex_(ex), id_(ex.new_object(std::move(name))) {}

void BitLock::lock(const char* label) {
  Op op = Op::make(OpKind::lock, label, {{id_, Access::write}});
  op.lock = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  locked_ = true;  // the scheduler ran us only because it was free
  holder_ = ex_.current();
}

bool BitLock::trylock(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return true;
  const bool was_locked = locked_;
  if (!was_locked) {
    locked_ = true;
    holder_ = ex_.current();
  }
  return was_locked;
}

void BitLock::unlock(const char* label) {
  Op op = Op::make(OpKind::unlock, label, {{id_, Access::write}});
  op.lock = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  clear_locked_in_step();
}

void BitLock::wait_unlocked(const char* label) {
  Op op = Op::make(OpKind::wait_unlocked, label, {{id_, Access::read}});
  op.lock = this;
  ex_.step(op);
}

void BitLock::set_locked_in_step() {
  if (locked_) ex_.fail("kernel-bug", ex_.object_name(id_) + " was set locked while already locked");
  locked_ = true;
  holder_ = ex_.current();
}

void BitLock::clear_locked_in_step() {
  // include/linux/mm.h UnlockPage: if (!test_and_clear_bit(PG_locked, ...)) BUG();
  if (!locked_) ex_.fail("kernel-bug", "BUG(): unlock of " + ex_.object_name(id_) + ", which is not locked");
  locked_ = false;
  holder_ = kNoThread;
}

// ---------------------------------------------------------------- Semaphore

Semaphore::Semaphore(Execution& ex, std::string name, int count)
    : ex_(ex), id_(ex.new_object(std::move(name))), count_(count) {}

void Semaphore::down(const char* label) {
  Op op = Op::make(OpKind::down, label, {{id_, Access::write}});
  op.semaphore = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  --count_;
  holders_.push_back(ex_.current());
}

bool Semaphore::down_trylock(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down() || count_ <= 0) return true;
  --count_;
  holders_.push_back(ex_.current());
  return false;
}

void Semaphore::up(const char* label) {
  Op op = Op::make(OpKind::up, label, {{id_, Access::write}});
  op.semaphore = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  ++count_;
  auto it = std::find(holders_.begin(), holders_.end(), ex_.current());
  if (it != holders_.end())
    holders_.erase(it);
  else if (!holders_.empty())
    holders_.erase(holders_.begin());  // up by another thread than the one that took it
}

// ---------------------------------------------------------------- SharedWord

SharedWord::SharedWord(Execution& ex, std::string name, std::int64_t value)
    : ex_(ex), id_(ex.new_object(std::move(name))), value_(value) {}

std::int64_t SharedWord::load(const char* label) {
  ex_.step(label, id_, Access::read);
  return value_;
}

void SharedWord::store(std::int64_t v, const char* label) {
  ex_.step(label, id_, Access::write);
  if (ex_.tearing_down()) return;
  value_ = v;
}

}  // namespace sim
