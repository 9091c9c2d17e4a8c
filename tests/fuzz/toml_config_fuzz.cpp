// libFuzzer target for the TOML config reader of the tools (lib/tool/toml_config.h, gsmqd
// --config): any bytes as the file, read for an app with a string, a number, a flag, a
// repeatable option and a subcommand. A bad file must be a CLI11 error (a usage error
// naming the line), never a crash or another exception.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tool/toml_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CLI::App app{"fuzz", "gsmqd"};
  gsmq::set_toml_config(app, "config");
  std::string listen, fsync;
  int max_hops = 8;
  bool flag = false;
  std::vector<std::string> forward;
  app.add_option("-l,--listen", listen);
  app.add_option("--fsync", fsync);
  app.add_option("--max-hops", max_hops);
  app.add_flag("--flag", flag);
  app.add_option("--forward", forward);
  auto* links = app.add_subcommand("links", "links");
  std::string url;
  links->add_option("URL", url);
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto items = app.get_config_formatter()->from_config(input);
    for (const auto& item : items) (void)item.fullname();
  } catch (const CLI::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "toml_config_fuzz: not a CLI11 error: %s\n", e.what());
    std::abort();
  }
  return 0;
}
