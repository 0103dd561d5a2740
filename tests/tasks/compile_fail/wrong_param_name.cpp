// Compile-fail test (tests/tasks/CMakeLists.txt): naming a parameter the kernel does not
// have in a typed argument struct does not compile. Built as is (must compile) and with
// TG_COMPILE_FAIL (must fail naming the member 'z').
#include <tuple>
#include <utility>

#include "tasks/scope.hpp"

template <template <tg::Access> class F> struct CopyParams {
  F<tg::Access::In> x;
  F<tg::Access::Out> y;
  auto fields() { return std::tie(x, y); }
};

void submit_copy(tg::Scope& s, const tg::TypedKernel<CopyParams>& copy, const tg::View& a, const tg::View& b) {
  // The struct spelled out: then GCC names the member (inline braces in s.vector(...) fail
  // too, as "no matching function").
#ifdef TG_COMPILE_FAIL
  tg::TypedKernel<CopyParams>::Args args{.x = tg::In(a), .z = tg::Out(b)};
#else
  tg::TypedKernel<CopyParams>::Args args{.x = tg::In(a), .y = tg::Out(b)};
#endif
  s.vector("copy", copy, std::move(args));
}
