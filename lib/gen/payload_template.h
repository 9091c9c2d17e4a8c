// Generated message text: templates with placeholders, used for bodies and channels.
//   {{seq}}     message number of this producer (from 1)     {{client}}  producer number (from 1)
//   {{ts}}      send time, µs since the epoch                {{uuid}}    a random UUIDv7
//   {{rand A B}}  a uniform number in [A, B] (integers if both are, else 2 decimals)
//   {{choice a b c}}  one of the words, uniformly
// Built-in device profiles (--profile) are templates that look like real telemetry.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace gsmq::gen {

struct TemplateContext {
  uint64_t seq = 0;
  uint32_t client = 0;
  int64_t ts_us = 0;
};

class PayloadTemplate {
 public:
  static std::optional<PayloadTemplate> parse(const std::string& text, std::string& error);
  std::string render(const TemplateContext& context, std::mt19937_64& rng) const;
  bool has_placeholders() const { return parts_.size() > 1 || (parts_.size() == 1 && !parts_[0].literal); }

 private:
  struct Part {
    bool literal = true;
    std::string text;                 // literal text, or the placeholder name
    std::vector<std::string> args;
    bool integers = false;            // rand: both bounds integral
    double lo = 0, hi = 0;            // rand bounds
  };
  std::vector<Part> parts_;
};

// The template of a device profile: temperature, humidity, motion, door, gps; nullopt if unknown.
std::optional<std::string> profile_template(const std::string& name);
std::vector<std::string> profile_names();

// A body of exactly `size` bytes: printable filler (for --size), the same for every message.
std::string filler_body(size_t size);

}  // namespace gsmq::gen
