#pragma once
// Heap held by the process right now, for the bytes_per_task counters: malloc's arena bytes
// in use plus its mmapped chunks (a large block, such as a graph's task array, is mmapped
// and not in uordblks; counting only uordblks missed it).
#include <malloc.h>

#include <cstddef>

namespace tg::bench {

inline std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

}  // namespace tg::bench
