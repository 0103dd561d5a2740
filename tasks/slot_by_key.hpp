#pragma once
// SlotByKey: a flat open-addressing map from a 64-bit key to a 32-bit slot, for the exact
// lookups of the region index (a live box by its first element). Each key carries the low
// 32 bits of a check (the box's last element) that find() compares too, so a query that
// is no live box is usually turned away by the table's line alone; the caller confirms the
// full check on the slot it is handed (the region index keeps it in the slot's hot line).
// 16-byte entries: four to a cache line and none straddles two, so a lookup at 64k live
// keys (a 2 MiB table) is one random line. Linear probing with backward-shift erase, so no
// tombstones pile up under the insert / erase churn of inference. Lookup, insert, erase:
// O(1) expected at load <= 1/2.
#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "tasks/huge_page_allocator.hpp"

namespace tg {

class SlotByKey {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // The slot of `key` when the low 32 bits of its check are those of `check`, else kNone.
  std::uint32_t find(std::int64_t key, std::int64_t check) const {
    if (entries_.empty()) return kNone;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kNone) return kNone;
      if (e.key == key) return e.check == low_bits(check) ? e.slot : kNone;
    }
  }
  // Starts the read of the line find(key, ...) begins at.
  void prefetch(std::int64_t key) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[home(key)]);
  }

  // The key must not be present (the index holds disjoint boxes: one first element each).
  void insert(std::int64_t key, std::int64_t check, std::uint32_t slot) {
    if ((size_ + 1) * 2 > entries_.size()) grow(entries_.empty() ? 16 : entries_.size() * 2);
    place(Entry{key, low_bits(check), slot});
    ++size_;
  }

  void erase(std::int64_t key) {
    if (entries_.empty()) return;
    std::size_t i = home(key);
    while (entries_[i].key != key || entries_[i].slot == kNone) {
      if (entries_[i].slot == kNone) return;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later members of the probe run into the hole.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (entries_[j].slot == kNone) break;
      const std::size_t h = home(entries_[j].key);
      // Entry j may move to the hole i when its home is not in the cyclic range (i, j].
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      entries_[i] = entries_[j];
      i = j;
    }
    entries_[i].slot = kNone;
    --size_;
  }

  void clear() {
    entries_.clear();
    mask_ = 0;
    size_ = 0;
  }
  std::size_t size() const { return size_; }

 private:
  struct Entry {
    std::int64_t key = 0;
    std::uint32_t check = 0;
    std::uint32_t slot = kNone;
  };
  static_assert(sizeof(Entry) == 16);
  static std::uint32_t low_bits(std::int64_t check) { return static_cast<std::uint32_t>(static_cast<std::uint64_t>(check)); }
  void place(const Entry& entry) {
    std::size_t i = home(entry.key);
    while (entries_[i].slot != kNone) i = (i + 1) & mask_;
    entries_[i] = entry;
  }
  std::size_t home(std::int64_t key) const {
    // Fibonacci hashing: tile keys are multiples of the tile size, which a plain mask
    // would pile onto a few buckets.
    return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  void grow(std::size_t capacity) {
    std::vector<Entry, HugePageAllocator<Entry>> old = std::move(entries_);
    entries_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    for (const Entry& e : old)
      if (e.slot != kNone) place(e);
  }

  std::vector<Entry, HugePageAllocator<Entry>> entries_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace tg
