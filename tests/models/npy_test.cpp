// .npy read / write: round trips per dtype, the header numpy expects, and clear errors for
// malformed files and unexpected dtypes or shapes.
#include "runtime/npy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "runtime/bf16.hpp"
#include "runtime/error.hpp"

namespace {

class NpyTest : public ::testing::Test {
 protected:
  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("tg_npy_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write_raw(const std::string& name, const std::string& bytes) {
    const auto file = dir_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }
  // A valid v1.0 file with `header` as its dict, followed by `data`.
  std::filesystem::path write_with_header(const std::string& name, std::string header, const std::string& data) {
    header.push_back('\n');
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    return write_raw(name, bytes + header + data);
  }
};

// The error's message must name the file and what was expected.
template <class F>
std::string io_error_of(F&& f) {
  try {
    f();
  } catch (const tg::IoError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no IoError thrown";
  return {};
}

TEST_F(NpyTest, RoundTripsEveryDtype) {
  const std::vector<float> f32 = {1.5f, -2.25f, 3.0e-8f, 65504.0f, -0.0f, 7.0f};
  const std::vector<std::int32_t> i32 = {-2147483647 - 1, -1, 0, 1, 2147483647, 42};
  const std::vector<std::int8_t> i8 = {-128, -1, 0, 1, 127, 5};
  std::vector<tg::bf16> b16;
  for (float v : f32) b16.push_back(tg::bf16(v));

  tg::write_npy(dir_ / "f.npy", tg::FP32, {2, 3}, f32.data());
  tg::write_npy(dir_ / "i.npy", tg::INT32, {6}, i32.data());
  tg::write_npy(dir_ / "c.npy", tg::INT8, {3, 2}, i8.data());
  tg::write_npy(dir_ / "b.npy", tg::BF16, {1, 2, 3}, b16.data());

  const auto f = tg::read_npy(dir_ / "f.npy", tg::FP32, {2, 3});
  EXPECT_EQ(0, std::memcmp(f.bytes.data(), f32.data(), f32.size() * 4));
  const auto i = tg::read_npy(dir_ / "i.npy", tg::INT32, {6});
  EXPECT_EQ(0, std::memcmp(i.bytes.data(), i32.data(), i32.size() * 4));
  const auto c = tg::read_npy(dir_ / "c.npy", tg::INT8, {3, 2});
  EXPECT_EQ(0, std::memcmp(c.bytes.data(), i8.data(), i8.size()));
  const auto b = tg::read_npy(dir_ / "b.npy");
  EXPECT_EQ(b.dtype, tg::BF16);
  EXPECT_EQ(b.shape, (tg::Shape{1, 2, 3}));
  EXPECT_EQ(0, std::memcmp(b.bytes.data(), b16.data(), b16.size() * 2));
}

TEST_F(NpyTest, HeaderIsWhatNumpyWrites) {
  const std::uint16_t bits[2] = {0x3f80, 0xc000};  // bf16 1.0 and -2.0
  tg::write_npy(dir_ / "b.npy", tg::BF16, {2}, bits);
  std::ifstream in(dir_ / "b.npy", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 10u);
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u) << "data must start 64-byte aligned";
  const std::string header = bytes.substr(10, header_len);
  EXPECT_NE(header.find("'descr': '<u2'"), std::string::npos) << header;
  EXPECT_NE(header.find("'shape': (2,)"), std::string::npos) << header;
  EXPECT_NE(header.find("'fortran_order': False"), std::string::npos) << header;
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(bytes.size(), 10 + header_len + 4);
  EXPECT_EQ(static_cast<unsigned char>(bytes[10 + header_len + 1]), 0x3f);  // little-endian 0x3f80
}

TEST_F(NpyTest, BufferRoundTrip) {
  tg::Tensor out("w", tg::BF16, {4, 8});
  for (int k = 0; k < 32; ++k) out.data_as<tg::bf16>()[k] = tg::bf16(static_cast<float>(k) * 0.37f - 3.0f);
  tg::write_npy(dir_ / "w.npy", out);
  tg::Tensor in("w", tg::BF16, {4, 8});
  tg::read_npy_into(dir_ / "w.npy", in);
  EXPECT_EQ(0, std::memcmp(in.data(), out.data(), out.bytes()));
}

TEST_F(NpyTest, Int16FileReadsAsBf16Bits) {
  // torch.bfloat16 tensors saved through .view(torch.int16) arrive as '<i2'.
  const std::string data = std::string("\x80\x3f", 2) + std::string("\x00\xc0", 2);  // 1.0, -2.0
  const auto a = tg::read_npy(write_with_header("i2.npy", "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", data), tg::BF16, {2});
  std::uint16_t bits[2];
  std::memcpy(bits, a.bytes.data(), 4);
  EXPECT_EQ(tg::bf16_bits_to_fp32(bits[0]), 1.0f);
  EXPECT_EQ(tg::bf16_bits_to_fp32(bits[1]), -2.0f);
}

TEST_F(NpyTest, WrongDtypeOrShapeNamesFileAndExpectation) {
  const float v[4] = {1, 2, 3, 4};
  tg::write_npy(dir_ / "x.npy", tg::FP32, {2, 2}, v);
  const auto dtype_msg = io_error_of([&] { tg::read_npy(dir_ / "x.npy", tg::BF16, {2, 2}); });
  EXPECT_NE(dtype_msg.find("x.npy"), std::string::npos) << dtype_msg;
  EXPECT_NE(dtype_msg.find("expected bf16 [2, 2]"), std::string::npos) << dtype_msg;
  const auto shape_msg = io_error_of([&] { tg::read_npy(dir_ / "x.npy", tg::FP32, {4}); });
  EXPECT_NE(shape_msg.find("holds fp32 [2, 2], expected fp32 [4]"), std::string::npos) << shape_msg;
  tg::Tensor wrong("x", tg::FP32, {1, 4});
  EXPECT_THROW(tg::read_npy_into(dir_ / "x.npy", wrong), tg::IoError);
}

TEST_F(NpyTest, MalformedFilesAreIoErrors) {
  EXPECT_NE(io_error_of([&] { tg::read_npy(dir_ / "missing.npy"); }).find("missing.npy"), std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy(write_raw("text.npy", "hello, not numpy")); }).find("magic"), std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy(write_raw("short.npy", "\x93NUMPY\x01")); }).find("short.npy"), std::string::npos);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  EXPECT_NE(io_error_of([&] { tg::read_npy(write_with_header("trunc.npy", dict, std::string(12, '\0'))); }).find("truncated"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy(write_with_header("long.npy", dict, std::string(20, '\0'))); }).find("trailing"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] {
              tg::read_npy(write_with_header("be.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')));
            }).find("'>f4' is not supported"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] {
              tg::read_npy(write_with_header("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", std::string(4, '\0')));
            }).find("Fortran"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] {
              tg::read_npy(write_with_header("s.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (a, 2), }", ""));
            }).find("integers"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy(write_with_header("d.npy", "{'fortran_order': False, 'shape': (1,), }", "")); }).find("descr"),
            std::string::npos);
}

TEST_F(NpyTest, WritingIntoMissingFolderIsIoError) {
  const float v = 1;
  const auto msg = io_error_of([&] { tg::write_npy(dir_ / "no" / "such" / "x.npy", tg::FP32, {1}, &v); });
  EXPECT_NE(msg.find("x.npy"), std::string::npos) << msg;
}

}  // namespace

namespace {

// The header alone: dtype and shape of a file whose data is not read (it may even be
// missing), and the same errors as read_npy for a file that is not a .npy.
TEST_F(NpyTest, HeaderAloneGivesDtypeAndShape) {
  const std::vector<std::int32_t> data(17 * 4, 3);
  tg::write_npy(dir_ / "h.npy", tg::INT32, {17, 4}, data.data());
  std::filesystem::resize_file(dir_ / "h.npy", std::filesystem::file_size(dir_ / "h.npy") - 8);
  const auto header = tg::read_npy_header(dir_ / "h.npy");
  EXPECT_EQ(header.dtype, tg::INT32);
  EXPECT_EQ(header.shape, (tg::Shape{17, 4}));
  EXPECT_NE(io_error_of([&] { tg::read_npy(dir_ / "h.npy"); }).find("data truncated"), std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy_header(write_raw("bad.npy", "not numpy")); }).find("not a .npy file"),
            std::string::npos);
  EXPECT_NE(io_error_of([&] { tg::read_npy_header(dir_); }).find("is a directory"), std::string::npos);
}

}  // namespace
