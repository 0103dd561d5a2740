#pragma once
// numpy .npy tensor files (format versions 1 to 3 read, 1.0 written), little-endian, C order.
// int8 / int32 / fp32 are stored natively ('|i1', '<i4', '<f4'); bf16 is written as '<u2'
// holding the upper 16 bits of the fp32 pattern, and read from '<u2' or '<i2' (what
// torch.bfloat16 viewed as int16 saves); fp16 as '<f2'. A file that is malformed, or holds
// another dtype or shape than the caller expects, is a tg::IoError naming the file and what
// was expected.
// Cost: reading or writing n elements is O(n) bytes of I/O plus an O(header) parse.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/box.hpp"
#include "runtime/tensor.hpp"
#include "runtime/dtype.hpp"

namespace tg {

// A tensor as it sits in a .npy file: dtype, shape and the raw little-endian bytes.
struct NpyArray {
  DType dtype = DType::FP32;
  Shape shape;
  std::vector<std::byte> bytes;

  std::int64_t numel() const { return numel_of(shape); }
};

// The numpy dtype descriptor of `dtype` ("<f4", "<u2" for bf16, ...).
std::string npy_descr(DType dtype);

// Writes `bytes` (numel(shape) * size_of(dtype) of them) as a .npy file; creates no folders.
void write_npy(const std::filesystem::path& file, DType dtype, const Shape& shape, const void* bytes);
// Writes the whole tensor with its own dtype and shape.
void write_npy(const std::filesystem::path& file, const Tensor& tensor);

// What a .npy file holds, from its header alone (no data read): a model whose input shapes
// are free (V4 SWA's cache blocks) sizes its graph from it before reading the data.
struct NpyHeader {
  DType dtype = DType::FP32;
  Shape shape;
};
NpyHeader read_npy_header(const std::filesystem::path& file);

// Reads any supported .npy file.
NpyArray read_npy(const std::filesystem::path& file);
// Reads a file that must hold `dtype` with `shape`; anything else is an IoError saying
// what was found and what was expected.
NpyArray read_npy(const std::filesystem::path& file, DType dtype, const Shape& shape);
// Reads a file into `tensor`, which fixes the expected dtype and shape.
void read_npy_into(const std::filesystem::path& file, const Tensor& tensor);

}  // namespace tg
