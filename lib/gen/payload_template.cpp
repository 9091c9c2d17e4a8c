#include "gen/payload_template.h"

#include <charconv>
#include <cstdio>
#include <sstream>

#include "envelope/message.h"

namespace gsmq::gen {
namespace {
std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool to_double(const std::string& s, double& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}
}  // namespace

std::optional<PayloadTemplate> PayloadTemplate::parse(const std::string& text, std::string& error) {
  PayloadTemplate t;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string::npos) {
      t.parts_.push_back({true, text.substr(pos), {}, false, 0, 0});
      break;
    }
    if (open > pos) t.parts_.push_back({true, text.substr(pos, open - pos), {}, false, 0, 0});
    const auto close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      error = "unclosed {{ at position " + std::to_string(open + 1);
      return std::nullopt;
    }
    auto w = words(text.substr(open + 2, close - open - 2));
    if (w.empty()) {
      error = "empty {{}} at position " + std::to_string(open + 1);
      return std::nullopt;
    }
    Part p;
    p.literal = false;
    p.text = w.front();
    p.args.assign(w.begin() + 1, w.end());
    if (p.text == "rand") {
      if (p.args.size() != 2 || !to_double(p.args[0], p.lo) || !to_double(p.args[1], p.hi) || p.lo > p.hi) {
        error = "{{rand A B}} needs two numbers A <= B";
        return std::nullopt;
      }
      p.integers = p.args[0].find_first_of(".eE") == std::string::npos &&
                   p.args[1].find_first_of(".eE") == std::string::npos;
    } else if (p.text == "choice") {
      if (p.args.empty()) {
        error = "{{choice ...}} needs at least one word";
        return std::nullopt;
      }
    } else if (p.text != "seq" && p.text != "client" && p.text != "ts" && p.text != "uuid") {
      error = "unknown placeholder {{" + p.text + "}} (seq, client, ts, uuid, rand A B, choice ...)";
      return std::nullopt;
    } else if (!p.args.empty()) {
      error = "{{" + p.text + "}} takes no arguments";
      return std::nullopt;
    }
    t.parts_.push_back(std::move(p));
    pos = close + 2;
  }
  return t;
}

std::string PayloadTemplate::render(const TemplateContext& c, std::mt19937_64& rng) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.literal) {
      out += p.text;
    } else if (p.text == "seq") {
      out += std::to_string(c.seq);
    } else if (p.text == "client") {
      out += std::to_string(c.client);
    } else if (p.text == "ts") {
      out += std::to_string(c.ts_us);
    } else if (p.text == "uuid") {
      out += new_message_id();
    } else if (p.text == "rand") {
      if (p.integers) {
        std::uniform_int_distribution<int64_t> d(static_cast<int64_t>(p.lo), static_cast<int64_t>(p.hi));
        out += std::to_string(d(rng));
      } else {
        std::uniform_real_distribution<double> d(p.lo, p.hi);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", d(rng));
        out += buf;
      }
    } else if (p.text == "choice") {
      std::uniform_int_distribution<size_t> d(0, p.args.size() - 1);
      out += p.args[d(rng)];
    }
  }
  return out;
}

std::optional<std::string> profile_template(const std::string& name) {
  if (name == "temperature")
    return R"({"sensor":"temp-{{client}}","celsius":{{rand 15.0 35.0}},"battery":{{rand 20 100}},"ts":{{ts}}})";
  if (name == "humidity") return R"({"sensor":"hum-{{client}}","percent":{{rand 20.0 90.0}},"ts":{{ts}}})";
  if (name == "motion")
    return R"({"sensor":"motion-{{client}}","motion":{{choice true false false false}},"zone":"{{choice hall lobby dock}}","ts":{{ts}}})";
  if (name == "door")
    return R"({"sensor":"door-{{client}}","state":"{{choice open closed closed}}","ts":{{ts}}})";
  if (name == "gps")
    return R"({"vehicle":"v-{{client}}","lat":{{rand 37.40 37.70}},"lon":{{rand 126.80 127.20}},"speed_kmh":{{rand 0 120}},"ts":{{ts}}})";
  return std::nullopt;
}

std::vector<std::string> profile_names() { return {"temperature", "humidity", "motion", "door", "gps"}; }

std::string filler_body(size_t size) {
  std::string s(size, 'x');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace gsmq::gen
