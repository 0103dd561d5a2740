// tg.kernels: the library's host tile kernels (kernels/), usable as task kernels and callable
// on numpy arrays. Named-argument submission against kernel descriptors (contracts, costs)
// comes with issue 13; until then the arguments go in the order of `params`.
#include <pybind11/stl.h>

#include <algorithm>

#include "kernels/kernels.hpp"
#include "python/bindings.hpp"
#include "python/library_kernel.hpp"

namespace tg::python {
namespace {

// Options of one configuration, read from keyword arguments; an unknown keyword is a TypeError.
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
  void finish() const {
    for (const auto& [k, v] : values_)
      if (std::find(used_.begin(), used_.end(), k) == used_.end())
        throw py::type_error(kernel_ + ": unknown option '" + k + "'");
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
  throw ConfigError("cast: unknown rounding '" + s + "' (rint, round, trunc)");
}

// name, params, signature, and how keyword options make the kernel.
struct Entry {
  std::string name;
  std::vector<std::string> params;
  std::string options_doc;
  std::function<ViewKernel(Options&)> configure;
};

std::vector<Entry> entries() {
  return {
      {"matmul", {"a", "b", "c"}, "transposed_b=False, accumulate=False",
       [](Options& o) -> ViewKernel {
         kernels::MatmulOptions opt;
         opt.b_layout = o.get("transposed_b", false) ? kernels::BLayout::transposed : kernels::BLayout::row_major;
         opt.accumulate = o.get("accumulate", false);
         return [opt](const std::vector<View>& v) { kernels::matmul(v[0], v[1], v[2], opt); };
       }},
      {"rmsnorm", {"x", "gamma", "y"}, "eps=1e-6, chunk_cols=0",
       [](Options& o) -> ViewKernel {
         kernels::RmsNormOptions opt;
         opt.eps = o.get("eps", 1e-6f);
         opt.chunk_cols = o.get<std::int64_t>("chunk_cols", 0);
         return [opt](const std::vector<View>& v) { kernels::rmsnorm(v[0], v[1], v[2], opt); };
       }},
      {"rms_inv", {"x", "inv_rms"}, "eps=1e-6",
       [](Options& o) -> ViewKernel {
         kernels::RmsNormOptions opt;
         opt.eps = o.get("eps", 1e-6f);
         return [opt](const std::vector<View>& v) { kernels::rms_inv(v[0], v[1], opt); };
       }},
      {"cast", {"src", "dst"}, "rounding='rint' | 'round' | 'trunc'",
       [](Options& o) -> ViewKernel {
         const auto r = rounding_of(o.get<std::string>("rounding", "rint"));
         return [r](const std::vector<View>& v) { kernels::cast(v[0], v[1], r); };
       }},
      {"rope", {"x", "cos", "sin", "y"}, "interleaved=False, inverse=False",
       [](Options& o) -> ViewKernel {
         kernels::RopeOptions opt;
         opt.layout = o.get("interleaved", false) ? kernels::RopeLayout::interleaved : kernels::RopeLayout::half_split;
         opt.direction = o.get("inverse", false) ? kernels::RopeDirection::inverse : kernels::RopeDirection::forward;
         return [opt](const std::vector<View>& v) { kernels::rope(v[0], v[1], v[2], v[3], opt); };
       }},
      {"quantize_int8_rows", {"x", "q", "dequant_scale"}, "amax_eps=1e-4",
       [](Options& o) -> ViewKernel {
         const float eps = o.get("amax_eps", kernels::kInt8AmaxEps);
         return [eps](const std::vector<View>& v) { kernels::quantize_int8_rows(v[0], v[1], v[2], eps); };
       }},
      {"dequantize_int32", {"acc", "row_scale", "col_scale", "y"}, "accumulate=False",
       [](Options& o) -> ViewKernel {
         const bool acc = o.get("accumulate", false);
         return [acc](const std::vector<View>& v) { kernels::dequantize_int32(v[0], v[1], v[2], v[3], acc); };
       }},
      {"row_max", {"x", "m"}, "",
       [](Options&) -> ViewKernel { return [](const std::vector<View>& v) { kernels::row_max(v[0], v[1]); }; }},
      {"row_sum", {"x", "l"}, "accumulate=False",
       [](Options& o) -> ViewKernel {
         const bool acc = o.get("accumulate", false);
         return [acc](const std::vector<View>& v) { kernels::row_sum(v[0], v[1], acc); };
       }},
      {"exp_rows", {"x", "m", "p"}, "",
       [](Options&) -> ViewKernel { return [](const std::vector<View>& v) { kernels::exp_rows(v[0], v[1], v[2]); }; }},
      {"divide_rows", {"x", "denominator", "y"}, "",
       [](Options&) -> ViewKernel {
         return [](const std::vector<View>& v) { kernels::divide_rows(v[0], v[1], v[2]); };
       }},
  };
}

LibraryKernel configure(const Entry& e, const py::kwargs& kw) {
  Options o(e.name, kw);
  LibraryKernel k{e.name, e.params, e.name + "(" , e.configure(o)};
  o.finish();
  for (std::size_t i = 0; i < e.params.size(); ++i) k.signature += (i ? ", " : "") + e.params[i];
  k.signature += e.options_doc.empty() ? ")" : "; " + e.options_doc + ")";
  return k;
}

// Views over numpy arrays, for a direct call (C-contiguous arrays only: kernels read rows).
std::vector<View> views_of(const LibraryKernel& k, const py::args& arrays, std::vector<Tensor>& keep) {
  if (arrays.size() != k.params.size())
    throw py::type_error(k.signature + ": " + std::to_string(arrays.size()) + " arrays given, " +
                         std::to_string(k.params.size()) + " expected");
  std::vector<View> views;
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    auto a = py::array::ensure(arrays[i]);
    const std::string what = k.name + ": " + k.params[i];
    if (!a) throw py::type_error(what + ": expected a numpy array");
    if (!(a.flags() & py::array::c_style)) throw ShapeError(what + ": the array must be C-contiguous (np.ascontiguousarray)");
    Shape shape(a.shape(), a.shape() + a.ndim());
    keep.push_back(Tensor::wrap(k.params[i], dtype_of_array(a, what), shape, const_cast<void*>(a.data())));
    views.push_back(keep.back().view());
  }
  return views;
}

}  // namespace

Kernel LibraryKernel::task_kernel() const {
  return [run = run, name = name, arity = params.size()](const TaskContext& c) {
    if (c.block_num() != 1)
      throw ShapeError("library kernel " + name + " runs on whole views: give its task block_num 1 (it has " +
                       std::to_string(c.block_num()) + "), or submit one task per tile");
    if (c.num_args() != arity)
      throw ShapeError("library kernel " + name + " takes " + std::to_string(arity) + " arguments, the task has " +
                       std::to_string(c.num_args()));
    std::vector<View> views;
    for (std::size_t i = 0; i < arity; ++i) views.push_back(c.view(i));
    run(views);
  };
}

void bind_library_kernels(py::module_& m) {
  py::module_ k = m.def_submodule("kernels", "The library's host tile kernels (docs/kernels.md).");
  py::class_<LibraryKernel>(k, "LibraryKernel",
                            "A library kernel: a task's kernel (s.cube(tg.kernels.matmul, [...])) or called on "
                            "numpy arrays (tg.kernels.matmul(a, b, c)). .options(...) configures it.")
      .def_readonly("name", &LibraryKernel::name)
      .def_readonly("params", &LibraryKernel::params)
      .def_readonly("signature", &LibraryKernel::signature)
      .def("options", [](const LibraryKernel& self, const py::kwargs& kw) {
        for (const auto& e : entries())
          if (e.name == self.name) return configure(e, kw);
        throw ConfigError("no library kernel " + self.name);
      })
      .def("__call__", [](const LibraryKernel& self, const py::args& arrays, const py::kwargs& kw) {
        LibraryKernel configured = self;
        if (kw.size())
          for (const auto& e : entries())
            if (e.name == self.name) configured = configure(e, kw);
        std::vector<Tensor> keep;
        auto views = views_of(configured, arrays, keep);
        py::gil_scoped_release release;
        configured.run(views);
      })
      .def("__repr__", [](const LibraryKernel& self) { return "<tg.kernels." + self.signature + ">"; });
  py::list names;
  for (const auto& e : entries()) {
    k.attr(e.name.c_str()) = configure(e, py::kwargs());
    names.append(e.name);
  }
  k.attr("names") = names;
}

}  // namespace tg::python
