// A configuration as a row of uint32 words, and the moves out of it
// (internal to the library). Shared by the exact search (exact_search.h) and
// its relaxation (relaxed_graph.h), so that the relaxation's moves are
// exactly the exact search's, minus the count of unknown ops left.
//
// Row: [level, state, mask words...] then, in the exact search only, one
// used-count per unknown-op kind. The level is the index of the next known
// completion the configuration must get past; the mask has a bit per slot
// of a pending known op already linearized.
//
// Moves out of a row at level L, whose completing op is X:
//   advance  X is linearized (now, or already) and completes: level L + 1;
//   known    linearize a pending known op Y != X, the first-completing of its
//            kind (of two alike pending ops, the earlier-completing can take
//            any place the other could: an exchange argument);
//   unknown  linearize an unknown op of a kind with one to spare.
// Pruned, because something else is at least as good:
//   - when X is already linearized, only advance (the other moves can wait
//     for level L + 1, where the same ops are still pending);
//   - when X is an identity op (a read) and legal, only advance (same);
//   - identity ops are never moves: they are absorbed into the mask the
//     moment they are legal (absorb_identities), which changes nothing and
//     leaves one constraint fewer;
//   - an unknown write of the value already held would only spend the op.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "checker/linearizability/prepared_register.h"

namespace eddy::lin::detail {

inline constexpr int32_t kLevelWord = 0;
inline constexpr int32_t kStateWord = 1;
inline constexpr int32_t kMaskWord = 2;

// Words before the used counts: level, state and the mask.
inline int32_t key_words_of(const PreparedRegister& prepared) {
  return kMaskWord + std::max<int32_t>(1, (prepared.slots + 31) / 32);
}

inline int32_t level_of(const uint32_t* row) { return static_cast<int32_t>(row[kLevelWord]); }
inline ValueId state_of(const uint32_t* row) { return static_cast<ValueId>(row[kStateWord]); }
inline void set_state(uint32_t* row, ValueId state) {
  row[kStateWord] = static_cast<uint32_t>(state);
}
inline bool linearized(const uint32_t* row, int32_t slot) {
  return (row[kMaskWord + slot / 32] >> (slot % 32)) & 1U;
}
inline void set_linearized(uint32_t* row, int32_t slot, bool on) {
  const uint32_t bit = 1U << (slot % 32);
  uint32_t& word = row[kMaskWord + slot / 32];
  word = on ? (word | bit) : (word & ~bit);
}

inline std::span<const int32_t> pending_at(const PreparedRegister& prepared, int32_t level) {
  const Level& l = prepared.levels[static_cast<size_t>(level)];
  return std::span<const int32_t>(prepared.pending)
      .subspan(static_cast<size_t>(l.pending_begin),
               static_cast<size_t>(l.pending_end - l.pending_begin));
}

// A 64-bit mix of a row's first `count` words (splitmix64's finaliser per
// word), for the hash tables over rows. They are caches: only speed and
// spread matter, and their iteration order never reaches a result.
inline uint64_t hash_words(const uint32_t* words, int32_t count) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (int32_t i = 0; i < count; ++i) {
    h ^= words[i];
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
  }
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 29);
}

// Marks every pending identity op that is legal in the row's state.
inline void absorb_identities(const PreparedRegister& prepared, uint32_t* row) {
  const int32_t level = level_of(row);
  if (level >= static_cast<int32_t>(prepared.levels.size())) return;
  const ValueId state = state_of(row);
  for (const int32_t index : pending_at(prepared, level)) {
    const KnownOp& op = prepared.known[static_cast<size_t>(index)];
    if (op.effect.identity() && !linearized(row, op.slot) && op.effect.legal(state))
      set_linearized(row, op.slot, true);
  }
}

struct Move {
  enum class Kind : uint8_t { kAdvance, kKnown, kUnknown };
  Kind kind = Kind::kAdvance;
  int32_t index = 0;  // kKnown: into prepared.known; kUnknown: the kind
};

// The row's next move from `cursor` on (cursor 0 is the advance, then the
// pending known ops, then the unknown kinds), or false when none is left.
// `spare(kind)` says whether an unknown op of that kind is left to use.
// Precondition: the row's level is below prepared.levels.size().
template <class Spare>
bool next_move(const PreparedRegister& prepared, const uint32_t* row, Spare&& spare,
               int32_t& cursor, Move& move) {
  const int32_t level = level_of(row);
  const ValueId state = state_of(row);
  const KnownOp& x =
      prepared.known[static_cast<size_t>(prepared.levels[static_cast<size_t>(level)].op)];
  const std::span<const int32_t> ops = pending_at(prepared, level);
  const int32_t op_moves = static_cast<int32_t>(ops.size());
  const int32_t end = 1 + op_moves + static_cast<int32_t>(prepared.kinds.size());
  while (cursor < end) {
    const int32_t at = cursor++;
    if (at == 0) {
      const bool done = linearized(row, x.slot);
      if (!done && !x.effect.legal(state)) continue;
      if (done || x.effect.identity()) cursor = end;
      move = Move{Move::Kind::kAdvance, 0};
      return true;
    }
    if (at <= op_moves) {
      const int32_t i = at - 1;
      const int32_t index = ops[static_cast<size_t>(i)];
      const KnownOp& y = prepared.known[static_cast<size_t>(index)];
      if (&y == &x || y.effect.identity() || linearized(row, y.slot) || !y.effect.legal(state))
        continue;
      const bool earlier_alike = std::any_of(ops.begin(), ops.begin() + i, [&](int32_t other) {
        const KnownOp& z = prepared.known[static_cast<size_t>(other)];
        return z.kind == y.kind && !linearized(row, z.slot);
      });
      if (earlier_alike) continue;
      move = Move{Move::Kind::kKnown, index};
      return true;
    }
    const int32_t kind = at - 1 - op_moves;
    const Effect& effect = prepared.kinds[static_cast<size_t>(kind)].effect;
    if (!effect.legal(state) || effect.next(state) == state || !spare(kind)) continue;
    move = Move{Move::Kind::kUnknown, kind};
    return true;
  }
  return false;
}

// Applies `move` to `row` (level, state and mask; the caller counts an
// unknown op as used) and absorbs the identity ops it makes legal.
inline void apply_move(const PreparedRegister& prepared, const Move& move, uint32_t* row) {
  const int32_t level = level_of(row);
  const ValueId state = state_of(row);
  switch (move.kind) {
    case Move::Kind::kAdvance: {
      const KnownOp& x =
          prepared.known[static_cast<size_t>(prepared.levels[static_cast<size_t>(level)].op)];
      if (!linearized(row, x.slot)) set_state(row, x.effect.next(state));
      set_linearized(row, x.slot, false);
      row[kLevelWord] = static_cast<uint32_t>(level + 1);
      break;
    }
    case Move::Kind::kKnown: {
      const KnownOp& y = prepared.known[static_cast<size_t>(move.index)];
      set_state(row, y.effect.next(state));
      set_linearized(row, y.slot, true);
      break;
    }
    case Move::Kind::kUnknown:
      set_state(row, prepared.kinds[static_cast<size_t>(move.index)].effect.next(state));
      break;
  }
  absorb_identities(prepared, row);
}

}  // namespace eddy::lin::detail
