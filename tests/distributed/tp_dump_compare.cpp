// tp_dump_compare ONE TP [--ulps NAME=N ...]: the dump of a tensor-parallel run (TP) against
// the dump of the single-rank run (ONE). The same files in inputs/, staging/ and outputs/, each
// bit for bit equal, except the tensors named by --ulps, which may differ by at most N units in
// the last place of their dtype (bf16 / fp32; the reduction order of an all-reduce). Prints one
// line per tensor; exit 0 when all match, 1 otherwise, 2 for bad arguments or files.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "runtime/npy.hpp"

namespace {

namespace fs = std::filesystem;

std::set<std::string> tensor_files(const fs::path& dump) {
  std::set<std::string> files;
  for (const char* sub : {"inputs", "staging", "outputs"})
    for (const auto& entry : fs::directory_iterator(dump / sub)) files.insert(std::string(sub) + "/" + entry.path().filename().string());
  return files;
}

// The distance of two floats of the same sign in units in the last place (bf16 or fp32); a
// sign change counts as far apart unless both are zero.
std::int64_t ulps_apart(std::int64_t a, std::int64_t b, std::int64_t sign_bit) {
  if (a == b) return 0;
  if ((a & sign_bit) != (b & sign_bit)) return ((a | b) & ~sign_bit) == 0 ? 0 : INT64_MAX;
  return a > b ? a - b : b - a;
}

std::int64_t max_ulps(const tg::NpyArray& one, const tg::NpyArray& tp) {
  std::int64_t worst = 0;
  for (std::int64_t i = 0; i < one.numel(); ++i) {
    std::int64_t a = 0, b = 0, sign = 0;
    if (one.dtype == tg::DType::BF16) {
      std::uint16_t x, y;
      std::memcpy(&x, one.bytes.data() + 2 * i, 2);
      std::memcpy(&y, tp.bytes.data() + 2 * i, 2);
      a = x, b = y, sign = 0x8000;
    } else if (one.dtype == tg::DType::FP32) {
      std::uint32_t x, y;
      std::memcpy(&x, one.bytes.data() + 4 * i, 4);
      std::memcpy(&y, tp.bytes.data() + 4 * i, 4);
      a = x, b = y, sign = 0x80000000;
    } else {
      return one.bytes == tp.bytes ? 0 : INT64_MAX;
    }
    const auto d = ulps_apart(a, b, sign);
    if (d > worst) worst = d;
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tp_dump_compare ONE_RANK_DUMP TP_DUMP [--ulps NAME=N ...]\n");
    return 2;
  }
  try {
    const fs::path one = argv[1], tp = argv[2];
    std::map<std::string, std::int64_t> allowed;
    for (int i = 3; i + 1 < argc; i += 2) {
      const std::string rule = argv[i + 1];
      const auto eq = rule.find('=');
      if (std::string(argv[i]) != "--ulps" || eq == std::string::npos) {
        std::fprintf(stderr, "bad argument '%s %s'; expected --ulps NAME=N\n", argv[i], rule.c_str());
        return 2;
      }
      allowed[rule.substr(0, eq)] = std::stoll(rule.substr(eq + 1));
    }
    const auto files = tensor_files(one);
    bool ok = files == tensor_files(tp);
    if (!ok) std::printf("the dumps hold different files\n");
    if (files.empty()) {
      std::printf("no tensors in %s\n", one.c_str());
      return 1;
    }
    for (const auto& file : files) {
      if (!fs::exists(tp / file)) continue;
      const auto a = tg::read_npy(one / file), b = tg::read_npy(tp / file);
      const std::string name = fs::path(file).stem().string();
      if (a.dtype != b.dtype || a.shape != b.shape) {
        std::printf("%s: %s vs %s\n", file.c_str(), tg::to_string(a.shape).c_str(), tg::to_string(b.shape).c_str());
        ok = false;
        continue;
      }
      const auto ulps = max_ulps(a, b);
      const auto limit = allowed.count(name) ? allowed[name] : 0;
      std::printf("%s: %s (%lld ulps apart at most, allowed %lld)\n", file.c_str(), ulps <= limit ? "ok" : "DIFFERS",
                  static_cast<long long>(ulps == INT64_MAX ? -1 : ulps), static_cast<long long>(limit));
      ok = ok && ulps <= limit;
    }
    std::printf("%s\n", ok ? "MATCH" : "MISMATCH");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
