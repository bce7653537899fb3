#include "sim/primitives.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sim {

// ---------------------------------------------------------------- BitLock

BitLock::BitLock(Execution& ex, std::string name) : ex_(ex), id_(ex.new_object(std::move(name))) {
  ex.set_digest(id_, {&BitLock::digest_of, this});
}

std::uint64_t BitLock::digest() const { return Hasher().add(locked_).add(holder_).value(); }

void BitLock::lock(const char* label) {
  Op op = Op::make(OpKind::lock, label, {{id_, Access::write}});
  op.lock = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  audit::write(id_);
  locked_ = true;  // the scheduler ran us only because it was free
  holder_ = ex_.current();
}

bool BitLock::trylock(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return true;
  audit::write(id_);
  const bool was_locked = locked_;
  if (!was_locked) {
    locked_ = true;
    holder_ = ex_.current();
  }
  return was_locked;
}

void BitLock::unlock(const char* label) { unlock(label, {}); }

void BitLock::unlock(const char* label, std::initializer_list<Touch> also) {
  if (also.size() + 1 > kMaxTouches)
    throw std::logic_error(std::string("model bug: ") + label + " touches more objects than sim::kMaxTouches");
  Op op = Op::make(OpKind::unlock, label, {{id_, Access::write}});  // the lock first: DPOR learns it there
  for (const Touch& t : also) op.touches[op.touch_count++] = t;
  op.lock = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  clear_locked_in_step();
}

void BitLock::wait_unlocked(const char* label) {
  Op op = Op::make(OpKind::wait_unlocked, label, {{id_, Access::read}});
  op.lock = this;
  ex_.step(op);
  audit::read(id_);  // the scheduler ran us only because it was free
}

void BitLock::set_locked_in_step() {
  audit::write(id_);
  if (locked_) ex_.fail("kernel-bug", ex_.object_name(id_) + " was set locked while already locked");
  locked_ = true;
  holder_ = ex_.current();
}

void BitLock::clear_locked_in_step() {
  audit::write(id_);
  // include/linux/mm.h UnlockPage: if (!test_and_clear_bit(PG_locked, ...)) BUG();
  if (!locked_) ex_.fail("kernel-bug", "BUG(): unlock of " + ex_.object_name(id_) + ", which is not locked");
  locked_ = false;
  holder_ = kNoThread;
}

// ---------------------------------------------------------------- Semaphore

Semaphore::Semaphore(Execution& ex, std::string name, int count)
    : ex_(ex), id_(ex.new_object(std::move(name))), count_(count) {
  ex.set_digest(id_, {&Semaphore::digest_of, this});
}

std::uint64_t Semaphore::digest() const {
  Hasher h;
  h.add(static_cast<std::uint64_t>(count_)).add(holders_.size());
  for (ThreadId t : holders_) h.add(t);
  return h.value();
}

void Semaphore::down(const char* label) {
  Op op = Op::make(OpKind::down, label, {{id_, Access::write}});
  op.semaphore = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  audit::write(id_);
  --count_;
  holders_.push_back(ex_.current());
}

bool Semaphore::down_trylock(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return true;
  audit::write(id_);
  if (count_ <= 0) return true;
  --count_;
  holders_.push_back(ex_.current());
  return false;
}

void Semaphore::up(const char* label) {
  Op op = Op::make(OpKind::up, label, {{id_, Access::write}});
  op.semaphore = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  audit::write(id_);
  ++count_;
  auto it = std::find(holders_.begin(), holders_.end(), ex_.current());
  if (it != holders_.end())
    holders_.erase(it);
  else if (!holders_.empty())
    holders_.erase(holders_.begin());  // up by another thread than the one that took it
}

// ---------------------------------------------------------------- RwSemaphore

RwSemaphore::RwSemaphore(Execution& ex, std::string name) : ex_(ex), id_(ex.new_object(std::move(name))) {
  ex.set_digest(id_, {&RwSemaphore::digest_of, this});
}

std::uint64_t RwSemaphore::digest() const {
  Hasher h;
  h.add(static_cast<std::uint64_t>(activity_)).add(holders_.size());
  for (ThreadId t : holders_) h.add(t);
  h.add(wait_list_.size());
  for (const Waiter& w : wait_list_) h.add(w.thread).add(w.write);
  h.add(granted_.size());
  for (ThreadId t : granted_) h.add(t);
  return h.value();
}

bool RwSemaphore::granted(ThreadId t) const {
  return std::find(granted_.begin(), granted_.end(), t) != granted_.end();
}

ThreadId RwSemaphore::waits_for(ThreadId t) const {
  const auto it = std::find_if(wait_list_.begin(), wait_list_.end(), [t](const Waiter& w) { return w.thread == t; });
  if (it == wait_list_.end()) return kNoThread;
  if (it != wait_list_.begin()) return std::prev(it)->thread;
  return holders_.empty() ? kNoThread : holders_.front();
}

void RwSemaphore::sleep_until_granted(const char* label) {
  Op op = Op::make(OpKind::rwsem_wait, label, {{id_, Access::write}});
  op.rwsem = this;
  ex_.step(op);
  if (ex_.tearing_down()) return;
  audit::write(id_);
  // The waker has already counted us in activity_ and holders_.
  granted_.erase(std::find(granted_.begin(), granted_.end(), ex_.current()));
}

void RwSemaphore::grant(const Waiter& w) {
  activity_ = w.write ? -1 : activity_ + 1;
  holders_.push_back(w.thread);
  granted_.push_back(w.thread);
}

// lib/rwsem-spinlock.c __rwsem_do_wake: a writer at the head of the queue
// gets the lock alone; otherwise every reader up to the first writer.
void RwSemaphore::do_wake() {
  if (wait_list_.empty()) return;
  if (wait_list_.front().write) {
    grant(wait_list_.front());
    wait_list_.erase(wait_list_.begin());
    return;
  }
  while (!wait_list_.empty() && !wait_list_.front().write) {
    grant(wait_list_.front());
    wait_list_.erase(wait_list_.begin());
  }
}

void RwSemaphore::down_read(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return;
  audit::write(id_);
  if (activity_ >= 0 && wait_list_.empty()) {
    ++activity_;
    holders_.push_back(ex_.current());
    return;
  }
  wait_list_.push_back({ex_.current(), false});
  sleep_until_granted(label);
}

void RwSemaphore::down_write(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return;
  audit::write(id_);
  if (activity_ == 0 && wait_list_.empty()) {
    activity_ = -1;
    holders_.push_back(ex_.current());
    return;
  }
  wait_list_.push_back({ex_.current(), true});
  sleep_until_granted(label);
}

void RwSemaphore::release(const char* what) {
  auto it = std::find(holders_.begin(), holders_.end(), ex_.current());
  if (it == holders_.end())
    ex_.fail("kernel-bug", std::string(what) + " of " + ex_.object_name(id_) + " by a thread that does not hold it");
  holders_.erase(it);
}

void RwSemaphore::up_read(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return;
  audit::write(id_);
  if (activity_ <= 0) ex_.fail("kernel-bug", "up_read of " + ex_.object_name(id_) + ", which no reader holds");
  release("up_read");
  // __up_read: the last reader wakes the writer at the head of the queue.
  if (--activity_ == 0) do_wake();
}

void RwSemaphore::up_write(const char* label) {
  ex_.step(Op::make(OpKind::plain, label, {{id_, Access::write}}));
  if (ex_.tearing_down()) return;
  audit::write(id_);
  if (activity_ != -1) ex_.fail("kernel-bug", "up_write of " + ex_.object_name(id_) + ", which no writer holds");
  release("up_write");
  activity_ = 0;
  do_wake();
}

// ---------------------------------------------------------------- SharedWord

SharedWord::SharedWord(Execution& ex, std::string name, std::int64_t value)
    : ex_(ex), id_(ex.new_object(std::move(name))), value_(value) {
  ex.set_digest(id_, {&SharedWord::digest_of, this});
}

std::uint64_t SharedWord::digest() const { return Hasher().add(static_cast<std::uint64_t>(value_)).value(); }

std::int64_t SharedWord::load(const char* label) {
  ex_.step(label, id_, Access::read);
  audit::read(id_);
  return value_;
}

void SharedWord::store(std::int64_t v, const char* label) {
  ex_.step(label, id_, Access::write);
  if (ex_.tearing_down()) return;
  audit::write(id_);
  value_ = v;
}

}  // namespace sim
