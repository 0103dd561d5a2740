// Options of the library descriptors that take some (kernels/descriptors/*.hpp): the registry
// holds each with its defaults; .options(...) makes it again from the C++ factory. Which
// kernels exist comes from the registry; this table only knows how to configure them.
#include <algorithm>
#include <functional>
#include <map>

#include "kernels/descriptors/descriptors.hpp"
#include "python/kernel_descriptors.hpp"

namespace tg::python {
namespace {

class Options {
 public:
  Options(const std::string& kernel, const py::kwargs& kw) : kernel_(kernel) {
    for (auto [k, v] : kw) values_.emplace_back(k.cast<std::string>(), py::reinterpret_borrow<py::object>(v));
  }
  template <class T> T get(const std::string& key, T fallback) {
    for (auto& [k, v] : values_)
      if (k == key) {
        used_.push_back(key);
        return cast_checked<T>(v, kernel_ + ": option " + key, "a value of the option's type");
      }
    return fallback;
  }
  void finish(const std::vector<std::string>& known) const {
    for (const auto& [k, v] : values_)
      if (std::find(used_.begin(), used_.end(), k) == used_.end()) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        throw py::type_error(kernel_ + ": unknown option '" + k + "' (it takes " + list + ")");
      }
  }

 private:
  std::string kernel_;
  std::vector<std::pair<std::string, py::object>> values_;
  std::vector<std::string> used_;
};

kernels::Rounding rounding_of(const std::string& s) {
  if (s == "rint") return kernels::Rounding::rint;
  if (s == "round") return kernels::Rounding::round;
  if (s == "trunc") return kernels::Rounding::trunc;
  throw ConfigError(ErrorContext{.option = "rounding"}, "cast: unknown rounding '" + s + "' (rint, round, trunc)");
}

kernels::RmsNormOptions rmsnorm_options(Options& o) {
  kernels::RmsNormOptions r;
  r.eps = o.get("eps", r.eps);
  r.chunk_cols = o.get("chunk_cols", r.chunk_cols);
  r.round_operand_to_bf16 = o.get("round_operand_to_bf16", r.round_operand_to_bf16);
  return r;
}

kernels::RopeOptions rope_options(Options& o) {
  kernels::RopeOptions r;
  if (o.get("interleaved", false)) r.layout = kernels::RopeLayout::interleaved;
  if (o.get("inverse", false)) r.direction = kernels::RopeDirection::inverse;
  return r;
}

kernels::ScaleOptions scale_options(Options& o) {
  kernels::ScaleOptions r;
  r.multiplier = o.get("multiplier", r.multiplier);
  r.round_operand_to_bf16 = o.get("round_operand_to_bf16", r.round_operand_to_bf16);
  return r;
}

struct Configurable {
  std::vector<std::string> options;
  std::function<KernelRef(Options&)> make;
};

const std::map<std::string, Configurable>& table() {
  namespace kd = kernels::descriptors;
  static const std::map<std::string, Configurable> t{
      {"rmsnorm", {{"eps", "chunk_cols", "round_operand_to_bf16"}, [](Options& o) { return kd::rmsnorm(rmsnorm_options(o)).ref(); }}},
      {"rms_inv", {{"eps", "chunk_cols", "round_operand_to_bf16"}, [](Options& o) { return kd::rms_inv(rmsnorm_options(o)).ref(); }}},
      {"cast", {{"rounding"}, [](Options& o) { return kd::cast(rounding_of(o.get<std::string>("rounding", "rint"))).ref(); }}},
      {"rope", {{"interleaved", "inverse"}, [](Options& o) { return kd::rope(rope_options(o)).ref(); }}},
      {"rope_inplace", {{"interleaved", "inverse"}, [](Options& o) { return kd::rope_inplace(rope_options(o)).ref(); }}},
      {"quantize_int8_rows", {{"amax_eps"}, [](Options& o) { return kd::quantize_int8_rows(o.get("amax_eps", kernels::kInt8AmaxEps)).ref(); }}},
      {"quantize_int8_columns", {{"amax_eps"}, [](Options& o) { return kd::quantize_int8_columns(o.get("amax_eps", kernels::kInt8AmaxEps)).ref(); }}},
      {"scale", {{"multiplier", "round_operand_to_bf16"}, [](Options& o) { return kd::scale(scale_options(o)).ref(); }}},
      {"scale_acc", {{"multiplier", "round_operand_to_bf16"}, [](Options& o) { return kd::scale_acc(scale_options(o)).ref(); }}},
      {"exp_rows", {{"masked_at_or_below"}, [](Options& o) {
         kernels::ExpOptions e;
         e.masked_at_or_below = o.get("masked_at_or_below", e.masked_at_or_below);
         return kd::exp_rows(e).ref();
       }}},
  };
  return t;
}

}  // namespace

KernelRef configure_library_kernel(const std::string& name, const py::kwargs& options) {
  const auto it = table().find(name);
  if (it == table().end())
    throw ConfigError(ErrorContext{.option = name},
                      "kernel " + name + " takes no options (its variants are separate kernels, e.g. matmul_acc, matmul_bt)");
  Options o(name, options);
  KernelRef made = it->second.make(o);
  o.finish(it->second.options);
  return made;
}

std::vector<std::string> library_option_names(const std::string& name) {
  const auto it = table().find(name);
  return it == table().end() ? std::vector<std::string>{} : it->second.options;
}

}  // namespace tg::python
