#pragma once
// Typed kernel descriptors: a struct of parameters per kernel, so a task names its
// arguments with designated initializers (a wrong name does not compile) and the kernel
// reads `v.a`, not `ctx.view(0)`. One struct template serves both sides:
//
//   template <template <Access> class F> struct AxpyParams {
//     F<Access::In> x;
//     F<Access::InOut> y;
//     auto fields() { return std::tie(x, y); }   // in the descriptor's parameter order
//   };
//   const TypedKernel<AxpyParams> axpy{"axpy", TaskKind::Vector, {{"x", {FP32}}, {"y", {FP32}}},
//       [](const AxpyParams<BlockView>& v, const TaskContext&) { ... v.y.data<float>()[i] += ... },
//       [](const AxpyParams<BlockView>& v) { return CostHint{...}; }};
//   s.vector("axpy", axpy, {.x = In(a), .y = InOut(b)});
//
// At submit a field is a ParamArg (an Arg, or a View taking the parameter's access); in the
// kernel a BlockView, this block's tile: an In parameter's gives const pointers only, so
// writing through it does not compile. Access modes come from the field types; names and
// dtypes from the ParamSpec list. Access and dtype are checked at submit, as for by-name
// arguments (tasks/kernel_descriptor.hpp).
#include <cstdint>
#include <initializer_list>
#include <tuple>
#include <type_traits>
#include <utility>

#include "runtime/error.hpp"
#include "tasks/kernel_descriptor.hpp"

namespace tg {

// Submit side: the argument bound to one parameter (default: unbound, for optional ones).
template <Access A> struct ParamArg {
  static constexpr Access access = A;
  Arg arg{};
  bool bound = false;
  ParamArg() = default;
  ParamArg(Arg a) : arg(std::move(a)), bound(true) {}                       // NOLINT: In(x) binds
  ParamArg(View v) : arg{std::move(v), A, true, {}}, bound(true) {}         // NOLINT: the view, with A
};

// Kernel side: one parameter's view for this block. In gives const element access only.
template <Access A> class BlockView {
 public:
  static constexpr Access access = A;
  template <class T> using Ptr = std::conditional_t<A == Access::In, const T*, T*>;
  template <class T> using Ref = std::conditional_t<A == Access::In, const T&, T&>;

  BlockView() = default;
  explicit BlockView(View v) : view_(std::move(v)) {}

  bool valid() const { return view_.valid(); }  // false for an optional parameter left unbound
  DType dtype() const { return view_.dtype(); }
  int rank() const { return view_.rank(); }
  std::int64_t size(int dim) const { return view_.size(dim); }
  const Dims& sizes() const { return view_.sizes(); }
  std::int64_t numel() const { return view_.numel(); }
  std::size_t bytes() const { return view_.bytes(); }
  template <class T> Ptr<T> data() const { return view_.template data<T>(); }
  template <class T> Ptr<T> row(std::int64_t r) const { return view_.template row<T>(r); }
  template <class T> Ref<T> at(std::initializer_list<std::int64_t> index) const { return view_.template at<T>(index); }
  // The view itself, to hand to a library kernel (kernels/ functions take Views and state
  // their own contract: they never write their inputs).
  const View& view() const { return view_; }

 private:
  View view_;
};

namespace detail {
template <class Tuple, class F, std::size_t... I> void for_each_field(Tuple&& t, F&& f, std::index_sequence<I...>) {
  (f(std::integral_constant<std::size_t, I>{}, std::get<I>(t)), ...);
}
template <class Tuple, class F> void for_each_field(Tuple&& t, F&& f) {
  constexpr std::size_t n = std::tuple_size_v<std::remove_reference_t<Tuple>>;
  for_each_field(std::forward<Tuple>(t), std::forward<F>(f), std::make_index_sequence<n>{});
}
}  // namespace detail

// A parameter's name and accepted dtypes (its access comes from the struct's field type).
struct TypedParam {
  std::string name;
  std::vector<DType> dtypes{};
  bool optional = false;
};

// streaming_cost (kernel_descriptor.hpp) of a typed block: every bound field read or
// written once (InOut twice), all of them on chip at once, with `flops` of arithmetic.
template <class Views> CostHint streaming_cost_of(Views views, double flops) {
  CostHint hint;
  hint.flops = flops;
  detail::for_each_field(views.fields(), [&](auto, auto& field) {
    if (!field.valid()) return;
    const auto bytes = field.bytes();
    hint.bytes += static_cast<double>(bytes) * (field.access == Access::InOut ? 2 : 1);
    hint.working_set_bytes += bytes;
  });
  return hint;
}

template <template <template <Access> class> class P> class TypedKernel {
 public:
  using Args = P<ParamArg>;
  using Views = P<BlockView>;
  using Body = std::function<void(const Views&, const TaskContext&)>;
  using Cost = std::function<CostHint(const Views&)>;

  TypedKernel(std::string name, TaskKind kind, std::vector<TypedParam> params, Body body, Cost cost = {}) {
    KernelDescriptor d;
    d.name = std::move(name);
    d.kind = kind;
    Args probe{};
    auto fields = probe.fields();
    if (params.size() != std::tuple_size_v<decltype(fields)>)
      throw Error("TypedKernel '" + d.name + "': " + std::to_string(params.size()) + " parameter names for " +
                  std::to_string(std::tuple_size_v<decltype(fields)>) + " fields; name each field once, in order");
    detail::for_each_field(fields, [&](auto i, auto& field) {
      TypedParam& p = params[i];
      d.params.push_back(ParamSpec{std::move(p.name), std::remove_reference_t<decltype(field)>::access,
                                   std::move(p.dtypes), p.optional});
    });
    if (body) d.body = [body = std::move(body)](const TaskContext& ctx) { body(views_of(ctx), ctx); };
    if (cost) d.cost = [cost = std::move(cost)](const ParamViews& v) { return cost(views_of(v)); };
    ref_ = make_kernel(std::move(d));
  }

  const KernelDescriptor& descriptor() const { return *ref_; }
  const KernelRef& ref() const { return ref_; }

  // The typed arguments as named ones (unbound optional fields left out).
  std::vector<NamedArg> named(Args args) const {
    std::vector<NamedArg> out;
    detail::for_each_field(args.fields(), [&](auto i, auto& field) {
      if (field.bound) out.push_back(NamedArg{ref_->params[i].name, std::move(field.arg)});
    });
    return out;
  }

  static Views views_of(const TaskContext& ctx) {
    Views v{};
    detail::for_each_field(v.fields(), [&](auto i, auto& field) {
      field = std::remove_reference_t<decltype(field)>(ctx.param(static_cast<std::size_t>(i)));
    });
    return v;
  }
  static Views views_of(const ParamViews& views) {
    Views v{};
    detail::for_each_field(v.fields(), [&](auto i, auto& field) { field = std::remove_reference_t<decltype(field)>(views.at(i)); });
    return v;
  }

 private:
  KernelRef ref_;
};

}  // namespace tg
