#pragma once
// A library kernel as Python sees it: tg.kernels.matmul and friends. Used as a task's kernel
// (it runs in C++, without the GIL, on the task's argument views in order) or called
// directly on numpy arrays. Its options are fixed when it is configured:
// tg.kernels.matmul.options(accumulate=True).
#include <functional>
#include <string>
#include <vector>

#include "tasks/task.hpp"

namespace tg::python {

// Runs the kernel on its argument views, in the order the kernel documents.
using ViewKernel = std::function<void(const std::vector<View>& views)>;

struct LibraryKernel {
  std::string name;
  std::vector<std::string> params;  // argument names, in order
  std::string signature;            // for help(): "matmul(a, b, c; transposed_b=False, accumulate=False)"
  ViewKernel run;

  // The task kernel: one block runs on the whole views (block_num must be 1: a library
  // kernel does not split its views by block; split them into tasks instead).
  Kernel task_kernel() const;
};

}  // namespace tg::python
