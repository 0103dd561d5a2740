#include "runtime/npy.hpp"

#include <bit>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/error.hpp"

namespace tg {
namespace {

static_assert(std::endian::native == std::endian::little, ".npy I/O assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;
// Header limits: numpy itself allows 64 dims; the runtime's boxes hold 8. Element counts
// stay below 2^48 so that bytes (numel * 4) cannot overflow 64 bits.
constexpr std::size_t kMaxRank = 8;
constexpr std::int64_t kMaxElements = std::int64_t{1} << 48;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw IoError(ErrorContext{.file = file.string()}, what, ".npy file '" + file.string() + "': " + what);
}

std::optional<DType> dtype_of_descr(const std::string& descr) {
  if (descr == "<f4") return DType::FP32;
  // bf16 bits: written as '<u2'; '<i2' is what torch.bfloat16 .view(torch.int16) saves.
  if (descr == "<u2" || descr == "<i2") return DType::BF16;
  if (descr == "<f2") return DType::FP16;
  if (descr == "|i1" || descr == "<i1") return DType::INT8;
  if (descr == "<i4") return DType::INT32;
  return std::nullopt;
}

// Skips spaces; returns the position of the first non-space at or after `pos`.
std::size_t skip_spaces(const std::string& s, std::size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n')) ++pos;
  return pos;
}

// The text after `'key':` in the header dict, or npos when the key is absent. A key given
// twice is refused: numpy would take the last, this reader the first (a silent disagreement).
std::size_t value_of(const std::filesystem::path& file, const std::string& header, const std::string& key) {
  const auto at = header.find("'" + key + "'");
  if (at == std::string::npos) return std::string::npos;
  if (header.find("'" + key + "'", at + 1) != std::string::npos) fail(file, "header has the key '" + key + "' twice");
  const auto colon = header.find(':', at);
  if (colon == std::string::npos) return std::string::npos;
  return skip_spaces(header, colon + 1);
}

struct Header {
  DType dtype;
  Shape shape;
};

Header parse_header(const std::filesystem::path& file, const std::string& header) {
  const auto descr_at = value_of(file, header, "descr");
  if (descr_at == std::string::npos || header[descr_at] != '\'') fail(file, "header has no 'descr' string");
  const auto descr_end = header.find('\'', descr_at + 1);
  if (descr_end == std::string::npos) fail(file, "unterminated 'descr' in header");
  const std::string descr = header.substr(descr_at + 1, descr_end - descr_at - 1);
  const auto dtype = dtype_of_descr(descr);
  if (!dtype)
    fail(file, "dtype '" + descr +
                   "' is not supported (expected '<f4' fp32, '<u2' or '<i2' bf16 bits, '<f2' fp16, '|i1' int8 or "
                   "'<i4' int32, little-endian)");

  const auto fortran_at = value_of(file, header, "fortran_order");
  if (fortran_at == std::string::npos) fail(file, "header has no 'fortran_order'");
  if (header.compare(fortran_at, 4, "True") == 0) fail(file, "Fortran-ordered arrays are not supported; save in C order");
  if (header.compare(fortran_at, 5, "False") != 0) fail(file, "'fortran_order' is neither True nor False");

  const auto shape_at = value_of(file, header, "shape");
  if (shape_at == std::string::npos || header[shape_at] != '(') fail(file, "header has no 'shape' tuple");
  const auto shape_end = header.find(')', shape_at);
  if (shape_end == std::string::npos) fail(file, "unterminated 'shape' tuple in header");
  Shape shape;
  const std::string tuple = header.substr(shape_at, shape_end - shape_at + 1);
  std::int64_t numel = 1;
  std::size_t pos = shape_at + 1;
  while (true) {
    pos = skip_spaces(header, pos);
    if (pos >= shape_end) break;
    if (header[pos] == '-') fail(file, "negative dimension in 'shape' " + tuple);
    std::int64_t dim = -1;
    const auto [end, ec] = std::from_chars(header.data() + pos, header.data() + shape_end, dim);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && dim > kMaxElements))
      fail(file, "dimension in 'shape' " + tuple + " is above 2^48");
    if (ec != std::errc{}) fail(file, "'shape' tuple holds something other than integers: " + tuple);
    if (shape.size() == kMaxRank) fail(file, "'shape' " + tuple + " has more than " + std::to_string(kMaxRank) + " dims");
    if (dim > 0 && numel > kMaxElements / dim) fail(file, "'shape' " + tuple + " holds more than 2^48 elements");
    numel *= dim;
    shape.push_back(dim);
    pos = skip_spaces(header, static_cast<std::size_t>(end - header.data()));
    if (pos < shape_end && header[pos] == ',')
      ++pos;
    else if (pos < shape_end)
      fail(file, "'shape' tuple holds something other than integers: " + tuple);
  }
  return Header{*dtype, std::move(shape)};
}

// Opens `file` and reads its header, leaving `in` at the first data byte.
Header read_header(const std::filesystem::path& file, std::ifstream& in) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (std::filesystem::is_directory(status)) fail(file, "is a directory; expected a .npy file");
  // The file's size bounds what the header may claim; a pipe or device has none (and may block).
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    fail(file, "is not a regular file (a device, pipe or socket); expected a .npy file");
  in.open(file, std::ios::binary);
  if (!in) fail(file, "cannot open for reading (missing file?)");
  char prefix[kMagicBytes + 2] = {};
  in.read(prefix, sizeof prefix);
  if (!in || std::memcmp(prefix, kMagic, kMagicBytes) != 0) fail(file, "not a .npy file (magic '\\x93NUMPY' missing)");
  const int major = static_cast<unsigned char>(prefix[kMagicBytes]);
  std::uint32_t header_len = 0;
  if (major == 1) {
    unsigned char b[2] = {};
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4] = {};
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  } else {
    fail(file, "unsupported format version " + std::to_string(major) + " (expected 1, 2 or 3)");
  }
  if (!in || header_len > (1u << 20)) fail(file, "truncated or implausible header length");
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  if (!in) fail(file, "truncated header");
  return parse_header(file, header);
}

}  // namespace

std::string npy_descr(DType dtype) {
  switch (dtype) {
    case DType::FP32: return "<f4";
    case DType::BF16: return "<u2";
    case DType::FP16: return "<f2";
    case DType::INT8: return "|i1";
    case DType::INT32: return "<i4";
  }
  return "?";
}

void write_npy(const std::filesystem::path& file, DType dtype, const Shape& shape, const void* bytes) {
  // Python tuple syntax: "()" for rank 0, "(16,)" for rank 1, "(16, 7168)" otherwise.
  std::string dims;
  for (std::size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string header = "{'descr': '" + npy_descr(dtype) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
  const std::size_t unpadded = kMagicBytes + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  if (header.size() > 65535) fail(file, "header too long for format 1.0");

  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) fail(file, "cannot open for writing (does the folder exist and is it writable?)");
  out.write(kMagic, kMagicBytes);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const auto len = static_cast<std::uint16_t>(header.size());
  const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(numel_of(shape) * static_cast<std::int64_t>(size_of(dtype))));
  if (!out) fail(file, "write failed (disk full?)");
}

void write_npy(const std::filesystem::path& file, const Tensor& buffer) {
  write_npy(file, buffer.dtype(), buffer.shape(), buffer.data());
}

NpyArray read_npy(const std::filesystem::path& file) {
  std::ifstream in;
  auto [dtype, shape] = read_header(file, in);
  std::error_code ec;
  NpyArray array{dtype, shape, {}};
  const auto expected_bytes = static_cast<std::size_t>(array.numel()) * size_of(dtype);
  // The file's size says how much data there is: a header claiming more is refused before
  // anything is allocated.
  const auto data_offset = static_cast<std::uintmax_t>(in.tellg());
  const auto file_bytes = std::filesystem::file_size(file, ec);
  if (!ec && file_bytes >= data_offset && file_bytes - data_offset < expected_bytes)
    fail(file, "data truncated: shape " + to_string(shape) + " of " + std::string(name_of(dtype)) + " needs " +
                   std::to_string(expected_bytes) + " bytes, file holds " + std::to_string(file_bytes - data_offset));
  array.bytes.resize(expected_bytes);
  in.read(reinterpret_cast<char*>(array.bytes.data()), static_cast<std::streamsize>(expected_bytes));
  if (static_cast<std::size_t>(in.gcount()) != expected_bytes)
    fail(file, "data truncated: shape " + to_string(shape) + " of " + std::string(name_of(dtype)) + " needs " +
                   std::to_string(expected_bytes) + " bytes, file holds " + std::to_string(in.gcount()));
  if (in.peek() != std::char_traits<char>::eof()) fail(file, "trailing bytes after the data of shape " + to_string(shape));
  return array;
}

NpyHeader read_npy_header(const std::filesystem::path& file) {
  std::ifstream in;
  auto [dtype, shape] = read_header(file, in);
  return NpyHeader{dtype, std::move(shape)};
}

NpyArray read_npy(const std::filesystem::path& file, DType dtype, const Shape& shape) {
  auto array = read_npy(file);
  if (array.dtype != dtype || array.shape != shape)
    fail(file, "holds " + std::string(name_of(array.dtype)) + " " + to_string(array.shape) + ", expected " +
                   std::string(name_of(dtype)) + " " + to_string(shape) + " ('" + npy_descr(dtype) + "')");
  return array;
}

void read_npy_into(const std::filesystem::path& file, const Tensor& buffer) {
  const auto array = read_npy(file, buffer.dtype(), buffer.shape());
  std::memcpy(buffer.data(), array.bytes.data(), array.bytes.size());
}

}  // namespace tg
