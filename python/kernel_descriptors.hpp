#pragma once
// Kernel descriptors as Python sees them (tasks/kernel_descriptor.hpp): tg.kernels.<name>
// for every descriptor of the process's registry, and tg.Kernel(...) for descriptors whose
// body is a Python callable (host-only). A task names one and binds its arguments by name:
// s.cube(tg.kernels.matmul, a=tg.In(x), b=tg.In(w), c=tg.Out(y)); Scope::submit checks the
// binding and derives the cost, exactly as for a C++ submission.
#include <string>
#include <vector>

#include "python/bindings.hpp"
#include "tasks/kernel_descriptor.hpp"

namespace tg::python {

// A descriptor handle. `python_body`: its body is a Python callable (runs with the GIL, on
// the host only).
struct PyKernel {
  KernelRef ref;
  bool python_body = false;
};

// The handle of a task's descriptor (python_body found out).
PyKernel kernel_of(const KernelRef& ref);

// The descriptor's arguments as C++ wants them: a positional list in parameter order
// (trailing optional parameters may be left out) or named Args, never both. TypeError
// naming the task otherwise; everything else (unknown name, access, dtype, missing) is left
// to Scope::submit, so the errors are the C++ ones.
std::vector<NamedArg> named_args(const PyKernel& kernel, const std::string& task, const std::vector<Arg>& positional,
                                 std::vector<NamedArg> named);

// kernel_options.cpp: the library descriptor `name` made again with keyword options
// (tg.kernels.rmsnorm.options(eps=1e-5)); TypeError for an option the kernel does not take,
// ConfigError for a kernel that takes none. option_names: what .options() accepts.
KernelRef configure_library_kernel(const std::string& name, const py::kwargs& options);
std::vector<std::string> library_option_names(const std::string& name);

}  // namespace tg::python
