// Compile-fail test (tests/tasks/CMakeLists.txt): a kernel writing through an In parameter
// does not compile. Built twice: as is (must compile) and with TG_COMPILE_FAIL (must fail
// with "read-only"), so the failure is the write and nothing else.
#include <tuple>

#include "tasks/typed_kernel.hpp"

template <template <tg::Access> class F> struct CopyParams {
  F<tg::Access::In> x;
  F<tg::Access::Out> y;
  auto fields() { return std::tie(x, y); }
};

void copy_first(const CopyParams<tg::BlockView>& v) {
#ifdef TG_COMPILE_FAIL
  v.x.data<float>()[0] = 1.0f;
#else
  v.y.data<float>()[0] = v.x.data<float>()[0];
#endif
}
