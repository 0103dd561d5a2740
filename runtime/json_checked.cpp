#include "runtime/json_checked.hpp"

#include <set>
#include <vector>

#include "runtime/error.hpp"

namespace tg::json_checked {
namespace {

using Json = nlohmann::json;

// Where the parser is: one frame per open object or array.
struct Frame {
  bool object = false;
  std::set<std::string> keys;  // objects: the keys seen so far
  std::string key;             // objects: the key whose value is being read
  bool has_key = false;
  std::size_t index = 0;  // arrays: the element being read
};

class PathTracker {
 public:
  explicit PathTracker(PathStyle style) : style_(style) {}

  // Throws ConfigError (through `fail`) on a duplicate key.
  template <typename Fail>
  void on_event(Json::parse_event_t event, const Json& parsed, Fail&& fail) {
    switch (event) {
      case Json::parse_event_t::object_start: frames_.push_back(Frame{true, {}, {}, false, 0}); break;
      case Json::parse_event_t::array_start: frames_.push_back(Frame{false, {}, {}, false, 0}); break;
      case Json::parse_event_t::key: {
        Frame& f = frames_.back();
        const auto key = parsed.get<std::string>();
        f.key = key;
        f.has_key = true;
        if (!f.keys.insert(key).second)
          fail(path(), "duplicate key '" + key + "'; each key may appear once in an object (the readers would keep only one)");
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        finished_value();
        break;
      case Json::parse_event_t::value: finished_value(); break;
    }
  }

  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.object) {
        if (!f.has_key) break;
        if (style_ == PathStyle::Pointer)
          p += "/" + f.key;
        else
          p += (p.empty() ? "" : ".") + f.key;
      } else {
        p += style_ == PathStyle::Pointer ? "/" + std::to_string(f.index) : "[" + std::to_string(f.index) + "]";
      }
    }
    if (p.empty()) return style_ == PathStyle::Pointer ? "/" : "(top level)";
    return p;
  }

 private:
  void finished_value() {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.object)
      f.has_key = false;
    else
      ++f.index;
  }

  PathStyle style_;
  std::vector<Frame> frames_;
};

// nlohmann's message without its "[json.exception.out_of_range.406] " tag.
std::string without_tag(const char* what) {
  std::string s = what;
  const auto close = s.find("] ");
  return close == std::string::npos ? s : s.substr(close + 2);
}

}  // namespace

Json parse(std::string_view text, std::string_view origin, PathStyle style) {
  PathTracker tracker(style);
  auto fail = [&](const std::string& path, const std::string& what) {
    throw ConfigError(ErrorContext{.file = std::string(origin), .json_path = path}, what);
  };
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    tracker.on_event(event, parsed, fail);
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::out_of_range& e) {
    // 406: a number literal beyond a double's range; the tracker is at its key.
    fail(tracker.path(), without_tag(e.what()) + "; numbers must fit a double (magnitude below 1.8e308)");
  } catch (const Json::exception& e) {
    throw ConfigError(ErrorContext{.file = std::string(origin)}, std::string("not valid JSON: ") + e.what());
  }
  return {};
}

}  // namespace tg::json_checked
