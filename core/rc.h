// Rc<T>: an immutable T shared by reference count, within one thread.
//
// Why: gossip (core/kafka/gossip.h) keeps each item in the outbox of every
// peer link until that peer acknowledges it, and sends it again in every
// retransmitted batch. Copied, an item (a key string and a value) cost about
// a hundred instructions per outbox and per batch, and under partitions a
// batch of up to 1,024 items is rebuilt every retransmission interval only
// to be lost. Shared, a copy is a pointer and a count.
//
// How: one heap block holds the count and the value. The count is a plain
// integer, not an atomic: a node's state, and the messages it sends, are only
// ever touched by the thread that steps it (a simulation's run, each on a
// thread of its own under `fuzz --jobs`, or the stdin node's loop), so no
// other thread copies or drops an Rc. `mutable_value`
// is for the one holder of a value that nobody else sees yet (unique()).
#pragma once

#include <cstdint>
#include <utility>

#include "core/invariant.h"

namespace eddy::core {

template <class T>
class Rc {
 public:
  // Empty, holding nothing, until assigned; `operator bool` tells which.
  Rc() = default;
  static Rc make(T value) { return Rc(new Box{std::move(value), 1}); }

  Rc(const Rc& other) : box_(other.box_) {
    if (box_ != nullptr) ++box_->count;
  }
  Rc(Rc&& other) noexcept : box_(std::exchange(other.box_, nullptr)) {}
  Rc& operator=(const Rc& other) {
    Rc(other).swap(*this);
    return *this;
  }
  Rc& operator=(Rc&& other) noexcept {
    Rc(std::move(other)).swap(*this);
    return *this;
  }
  // GCC 12 takes two holders' destructors, inlined one after the other, for
  // a use after free (it cannot see that the first left a count above 0):
  // a known false positive of -Wuse-after-free, silenced here alone.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuse-after-free"
#endif
  ~Rc() {
    if (box_ != nullptr && --box_->count == 0) delete box_;
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  void swap(Rc& other) noexcept { std::swap(box_, other.box_); }

  explicit operator bool() const { return box_ != nullptr; }
  const T& operator*() const { return box_->value; }
  const T* operator->() const { return &box_->value; }
  // Whether this is the value's only holder.
  bool unique() const { return box_ != nullptr && box_->count == 1; }
  // The value, to change in place. Pre: unique().
  T& mutable_value() {
    EDDY_INVARIANT(unique(), "an Rc's value changed while shared");
    return box_->value;
  }

  friend bool operator==(const Rc& a, const Rc& b) {
    return a.box_ == b.box_ || (a.box_ != nullptr && b.box_ != nullptr && *a == *b);
  }

 private:
  struct Box {
    T value;
    uint32_t count;
  };
  explicit Rc(Box* box) : box_(box) {}

  Box* box_ = nullptr;
};

}  // namespace eddy::core
