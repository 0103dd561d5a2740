// Data without copies: tensors and bound views as numpy arrays sharing their memory (bf16 as
// uint16 holding the upper 16 bits of the fp32 pattern), numpy arrays bound as a run's
// inputs in place (Bindings::bind_external), and the bf16 <-> float32 helpers. An array the
// buffer cannot use in place (strided, misaligned) is refused, naming the dim and stride,
// unless the caller asks for the logged copy (allow_copy=True).
#include <pybind11/stl.h>

#include "python/bindings.hpp"
#include "runtime/bf16.hpp"
#include "tasks/bindings.hpp"

namespace tg::python {
namespace {

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::BF16: return py::dtype::of<std::uint16_t>();
    case DType::FP16: return py::dtype("float16");
    case DType::FP32: return py::dtype::of<float>();
    case DType::INT8: return py::dtype::of<std::int8_t>();
    case DType::INT32: return py::dtype::of<std::int32_t>();
  }
  return py::dtype::of<float>();
}

std::vector<py::ssize_t> byte_strides(const Shape& element_strides, DType dtype) {
  std::vector<py::ssize_t> r;
  for (auto s : element_strides) r.push_back(static_cast<py::ssize_t>(s * static_cast<std::int64_t>(size_of(dtype))));
  return r;
}

// Why a numpy array cannot be the buffer's memory as it is (an empty string: it can). The
// executors address a buffer as row-major from its element 0, so an array binds in place
// when its strides are row-major on every dim longer than 1 and it is aligned; anything else
// would be misread.
std::string layout_problem(const ExternalArray& a) {
  const auto element = static_cast<std::int64_t>(size_of(a.dtype));
  if (reinterpret_cast<std::uintptr_t>(a.data) % static_cast<std::uintptr_t>(element) != 0)
    return "its data is not aligned to its " + std::to_string(element) + "-byte elements";
  Shape row_major = row_major_strides(a.shape);
  for (auto& r : row_major) r *= element;
  int innermost = -1;  // the last dim that differs: a step shows there, a column slice in the rows
  bool negative = false, broadcast = false;
  for (std::size_t d = 0; d < a.shape.size(); ++d) {
    if (a.shape[d] == 1 || a.strides_bytes[d] == row_major[d]) continue;
    innermost = static_cast<int>(d);
    negative = negative || a.strides_bytes[d] < 0;
    broadcast = broadcast || a.strides_bytes[d] == 0;
  }
  if (innermost < 0) return {};
  const auto d = static_cast<std::size_t>(innermost);
  const std::string what = negative    ? "reversed (a negative step)"
                           : broadcast ? "broadcast (a stride of 0)"
                                       : "not row-major (a column slice, a step or a transpose of another array)";
  return "its strides are " + to_string(a.strides_bytes) + " B where a row-major " + std::string(name_of(a.dtype)) +
         " " + to_string(a.shape) + " array has " + to_string(row_major) + " B (dim " + std::to_string(d) +
         " has a stride of " + std::to_string(a.strides_bytes[d]) + " B, not " + std::to_string(row_major[d]) +
         " B): the array is " + what;
}

}  // namespace

void PyBindings::bind(const std::string& name, const py::object& value, bool allow_copy) {
  auto array = py::array::ensure(value);
  if (!array)
    throw py::type_error("bind('" + name + "'): expected a numpy array, got " + std::string(py::str(value.get_type())));
  ExternalArray external;
  external.dtype = dtype_of_array(array, "bind('" + name + "')");
  external.data = const_cast<void*>(array.data());  // inputs are never written (lint: write-to-input)
  for (py::ssize_t d = 0; d < array.ndim(); ++d) {
    external.shape.push_back(array.shape(d));
    external.strides_bytes.push_back(array.strides(d));
  }
  if (!array.dtype().attr("isnative").cast<bool>())
    throw BindingError(ErrorContext{.scope = graph->name(), .buffer = name},
                       "bind('" + name + "'): the array's dtype " + std::string(py::str(py::handle(array.dtype()))) +
                           " is not in native byte order; pass array.astype(array.dtype.newbyteorder('='))");
  const bool writes_back = value.attr("flags").attr("writeable").cast<bool>();
  const Buffer* buffer = graph->find_buffer(name);
  // dtype, shape and name problems are left to bind_external, whose errors are the C++ ones.
  const bool fits = buffer && buffer->dtype() == external.dtype && buffer->shape() == external.shape;
  if (fits && !allow_copy) {
    const std::string problem = layout_problem(external);
    if (!problem.empty())
      throw BindingError(ErrorContext{.scope = graph->name(), .buffer = name},
                         "bind('" + name + "'): " + problem + "; it cannot be bound in place and is not copied "
                         "silently. Pass np.ascontiguousarray(array) (your copy: outputs are not written back "
                         "into the original), bind it with tg.Bindings(graph).bind('" + name + "', array, "
                         "allow_copy=True) (copied in, written back after each run for outputs and InOut, listed "
                         "in .copies), or declare the buffer with the parent array's shape and slice the view in "
                         "the scope");
  }
  if (buffer && (buffer->role() == Role::Output || buffer->role() == Role::InOut) && !writes_back)
    throw BindingError(ErrorContext{.scope = graph->name(), .buffer = name},
                       "bind('" + name + "'): a read-only numpy array for an " + std::string(name_of(buffer->role())) +
                           " buffer, which the run writes; pass a writeable array");
  memory.bind_external(name, external);
  arrays[name] = array;
}

py::object PyBindings::array(const std::string& name) {
  const Tensor& tensor = memory.tensor(name);
  // An array bound in place is the buffer's memory: hand back that very array. A copied-in
  // one is not; the tensor the run uses is returned then.
  auto it = arrays.find(name);
  if (it != arrays.end() && py::array(it->second).data() == static_cast<const void*>(tensor.data())) return it->second;
  return tensor_array(tensor);
}

DType dtype_of_array(const py::array& array, const std::string& what) {
  const py::dtype dt = array.dtype();
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f' && size == 4) return DType::FP32;
  if (kind == 'u' && size == 2) return DType::BF16;
  if (kind == 'f' && size == 2) return DType::FP16;
  if (kind == 'i' && size == 1) return DType::INT8;
  if (kind == 'i' && size == 4) return DType::INT32;
  throw ShapeError(what + ": numpy dtype " + std::string(py::str(py::handle(dt))) +
                   " has no tilegraph dtype (float32, uint16 = bf16 bits, float16, int8, int32)");
}

DType dtype_from(const py::handle& value) {
  if (py::isinstance<py::str>(value)) {
    const auto name = value.cast<std::string>();
    if (auto d = parse_dtype(name)) return *d;
    throw ConfigError("unknown dtype '" + name + "' (bf16, fp16, fp32, int8, int32)");
  }
  return cast_checked<DType>(value, "dtype", "a tg dtype (tg.bf16, tg.fp32, ...) or its name");
}

py::array tensor_array(const Tensor& tensor) {
  // The capsule owns a handle to the tensor: the memory lives as long as the array.
  auto* handle = new Tensor(tensor);
  py::capsule owner(handle, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  return py::array(numpy_dtype(tensor.dtype()), shape, byte_strides(row_major_strides(tensor.shape()), tensor.dtype()),
                   tensor.data(), owner);
}

py::array view_array(const View& view, py::handle owner, bool writable) {
  std::vector<py::ssize_t> shape(view.sizes().begin(), view.sizes().end());
  py::array a(numpy_dtype(view.dtype()), shape, byte_strides(view.strides(), view.dtype()), view.bytes_data(), owner);
  if (!writable) a.attr("flags").attr("writeable") = false;
  return a;
}

void bind_memory(py::module_& m) {
  py::enum_<DType>(m, "DType", "Element types of GM tensors (numpy: bf16 is uint16 holding bf16 bits).")
      .value("BF16", DType::BF16)
      .value("FP16", DType::FP16)
      .value("FP32", DType::FP32)
      .value("INT8", DType::INT8)
      .value("INT32", DType::INT32)
      .def_property_readonly("itemsize", [](DType d) { return size_of(d); });
  for (DType d : {DType::BF16, DType::FP16, DType::FP32, DType::INT8, DType::INT32})
    m.attr(std::string(name_of(d)).c_str()) = d;  // tg.bf16, tg.fp32, ...

  m.def("float32_to_bf16",
        [](py::array_t<float, py::array::c_style | py::array::forcecast> a) {
          py::array_t<std::uint16_t> r(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
          const float* src = a.data();
          std::uint16_t* dst = r.mutable_data();
          for (py::ssize_t i = 0; i < a.size(); ++i) dst[i] = fp32_to_bf16_bits(src[i]);
          return r;
        },
        py::arg("array"), "bf16 bits (uint16) of float32 values, rounded to nearest even.");
  m.def("bf16_to_float32",
        [](const py::array& bits) {
          // Only 16-bit integers are bit patterns: a float array cast to uint16 would be read
          // as bf16 bits of its truncated values, a silent wrong answer.
          const py::dtype dt = bits.dtype();
          if (!((dt.kind() == 'u' || dt.kind() == 'i') && dt.itemsize() == 2))
            throw ShapeError("bf16_to_float32: numpy dtype " + std::string(py::str(py::handle(dt))) +
                             " is not bf16 bits; pass a uint16 (or int16) array, e.g. tg.float32_to_bf16(values)");
          auto a = py::array_t<std::uint16_t, py::array::c_style | py::array::forcecast>::ensure(bits);
          py::array_t<float> r(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
          const std::uint16_t* src = a.data();
          float* dst = r.mutable_data();
          for (py::ssize_t i = 0; i < a.size(); ++i) dst[i] = bf16_bits_to_fp32(src[i]);
          return r;
        },
        py::arg("bits"), "float32 values of bf16 bits (uint16); exact.");

  py::class_<PyBindings>(m, "Bindings",
                         "The memory of one run of a Graph: numpy arrays bound by buffer name, in place (a layout "
                         "the buffer cannot read as it is is refused unless bind(..., allow_copy=True)), outputs "
                         "allocated here. mem['y'] is a numpy array sharing the buffer's memory.")
      .def(py::init<std::shared_ptr<Graph>>(), py::arg("graph"))
      .def("bind", [](PyBindings& b, const std::string& name, const py::object& array, bool allow_copy) -> PyBindings& {
             b.bind(name, array, allow_copy);
             return b;
           }, py::arg("name"), py::arg("array"), py::kw_only(), py::arg("allow_copy") = false,
           py::return_value_policy::reference_internal,
           "Binds a numpy array in place. One whose layout the buffer cannot use (a column slice, a step, a "
           "transpose, misaligned) is refused with a BindingError naming the dim and stride, unless "
           "allow_copy=True: then it is copied in, written back after each run for outputs and InOut, and "
           "listed in .copies.")
      .def("is_bound", [](const PyBindings& b, const std::string& name) { return b.memory.is_bound(name); })
      .def("check_complete", [](const PyBindings& b) { b.memory.check_complete(); })
      .def_property_readonly("copies", [](const PyBindings& b) { return b.memory.copies(); })
      .def("__getitem__", &PyBindings::array, py::arg("name"))
      .def("__contains__", [](const PyBindings& b, const std::string& name) { return b.memory.is_bound(name); });

  m.def("_bind_graph", [](std::shared_ptr<Graph> g, const py::kwargs& arrays) {
    auto b = std::make_unique<PyBindings>(std::move(g));
    for (auto [name, array] : arrays) b->bind(name.cast<std::string>(), py::reinterpret_borrow<py::object>(array));
    return b;
  });
}

}  // namespace tg::python
