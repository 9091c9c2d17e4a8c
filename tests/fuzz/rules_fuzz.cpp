// libFuzzer target for the rules file (docs/policies.md) and its expression language: any
// bytes as a file. A refused file must name itself and a line; an accepted one is applied
// to a few messages (a JSON body, a text body, meta) and must not crash, hang or leak.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/rule_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto file = gsmq::policy::parse_rule_file(text, "fuzz.rules", error);
  if (!file) {
    if (error.rfind("fuzz.rules:", 0) != 0 || error.size() <= 11 || error[11] < '1' || error[11] > '9') {
      std::fprintf(stderr, "rules_fuzz: refused without FILE:LINE: %s\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  gsmq::policy::RuleEngine engine(std::move(*file));
  const char* bodies[] = {R"({"state":"open","temp":31.5,"tags":["a","b"],"pos":{"lat":1}})", "plain text", ""};
  int64_t now = 1'000'000;
  for (const char* body : bodies) {
    gsmq::Message m;
    m.channel = "sensors/door/1";
    m.body = body;
    m.meta["site"] = "lab";
    engine.apply(m, now += 1000);
  }
  return 0;
}
