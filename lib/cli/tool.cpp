#include "cli/tool.h"

#include <cctype>
#include <cstdio>
#include <unistd.h>

#include "endpoint/catalog.h"
#include "util/signals.h"

namespace gsmq {

namespace {
// --count 0: CLI11's PositiveNumber would name its range as "0.000000 to 1.79769e+308".
const CLI::Validator kAtLeastOne(
    [](std::string& text) -> std::string {
      if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
        try {
          if (std::stoull(text) >= 1) return "";
        } catch (...) {
        }
      }
      return "expected a whole number of 1 or more, got \"" + text + "\"";
    },
    "N>=1");

// Thrown by --endpoints while parsing: option callbacks run before CLI11 checks the
// required arguments, so the list needs no URL.
struct EndpointsRequested {};

int print_endpoints(const CLI::App& app) {
  const CLI::Option* json = app.get_option_no_throw("--json");
  if (json && json->count() > 0) std::printf("%s\n", endpoint::catalog_json().dump(2).c_str());
  else std::printf("%s", endpoint::catalog_text().c_str());
  return std::fflush(stdout) == 0 ? kExitOk : kExitInternal;
}
}  // namespace

Duration parse_duration_flag(const std::string& flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw ToolError(kExitUsage, flag + ": \"" + text + "\" is not a duration (e.g. 500ms, 5s, 2m)");
  return *d;
}

int64_t milliseconds_flag(const std::string& flag, const std::string& text) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration_flag(flag, text)).count();
}

void add_common_flags(CLI::App& app, CommonFlags& flags, unsigned which) {
  if (which & kInputFlags) {
    app.add_flag("-r,--raw", flags.raw, "Bare lines are bodies, instead of JSON envelopes");
    app.add_option("--max-body", flags.max_body, "Largest accepted body (e.g. 64MiB); larger is bad input")
        ->capture_default_str();
  }
  if (which & kSourceFlags) {
    app.add_option("-c,--count", flags.count, "Stop after N messages")->check(kAtLeastOne);
    app.add_option("-w,--wait", flags.wait, "Give up after DURATION in total (250ms, 5s, 2m); exit 5 if --count was not reached");
    app.add_flag("-f,--follow", flags.follow, "At the end of the data keep waiting for more (tail -f)");
    app.add_flag("--peek", flags.peek, "Look at messages without taking them (sources that can)");
  }
  if (which & kFlowFlags) {
    app.add_option("--max-in-flight", flags.max_in_flight, "Messages sent but not yet confirmed, at most")
        ->capture_default_str()
        ->check(kAtLeastOne);
  }
  app.add_flag("-q,--quiet", flags.quiet, "No warnings or summaries on stderr (bad input is still reported)");
  add_endpoints_flag(app);
}

void add_endpoints_flag(CLI::App& app) {
  CLI::Option* endpoints =
      app.add_flag_callback("--endpoints", [] { throw EndpointsRequested{}; },
                            "List the endpoint kinds (URL schemes) with their roles and parameters, then exit");
  if (!app.get_option_no_throw("--json"))
    app.add_flag("--json")->description("With --endpoints: the list as JSON")->needs(endpoints);
}

EndpointOptions endpoint_options(const CommonFlags& flags, Diagnostics& diagnostics) {
  EndpointOptions o;
  o.raw = flags.raw;
  o.follow = flags.follow;
  o.peek = flags.peek;
  const auto max_body = parse_size(flags.max_body);
  if (!max_body) throw ToolError(kExitUsage, "--max-body: \"" + flags.max_body + "\" is not a size (e.g. 64MiB)");
  o.limits.max_body_bytes = *max_body;
  diagnostics.quiet = flags.quiet;
  o.diagnostics = &diagnostics;
  return o;
}

PumpOptions pump_options(const CommonFlags& flags) {
  PumpOptions o;
  o.count = flags.count;
  if (!flags.wait.empty()) {
    o.wait = parse_duration(flags.wait);
    if (!o.wait) throw ToolError(kExitUsage, "--wait: \"" + flags.wait + "\" is not a duration (e.g. 500ms, 5s)");
  }
  o.max_in_flight = flags.max_in_flight;
  return o;
}

std::string version_text(const std::string& name) { return name + " " + GSMQ_VERSION; }

int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  install_signal_handlers();
  const std::string name = app.get_name();
  set_program_name(name);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return kExitOk;
  } catch (const EndpointsRequested&) {
    return print_endpoints(app);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks required arguments before it complains about unknown ones, so that
    // `gsmq-send --no-such-flag` would say "URL is required": name what was not understood.
    std::string what = e.what();
    if (const auto extras = app.remaining(); !extras.empty() && dynamic_cast<const CLI::RequiredError*>(&e)) {
      what = "The following argument" + std::string(extras.size() > 1 ? "s were" : " was") + " not expected:";
      for (const auto& x : extras) what += " " + x;
    }
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name.c_str(), what.c_str(), name.c_str());
    return kExitUsage;
  }
  try {
    return body();
  } catch (const ToolError& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    return e.status();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", name.c_str(), e.what());
    return kExitInternal;
  }
}

}  // namespace gsmq
