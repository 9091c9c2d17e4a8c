#include "cli/tool.h"

#include <cctype>
#include <cstdio>
#include <unistd.h>

#include "endpoint/registry/catalog.h"
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

int print_endpoints(const CLI::App& app) {
  const CLI::Option* json = app.get_option_no_throw("--json");
  if (json && json->count() > 0) std::printf("%s\n", endpoint::catalog_json().dump(2).c_str());
  else std::printf("%s", endpoint::catalog_text().c_str());
  return std::fflush(stdout) == 0 ? kExitOk : kExitInternal;
}
}  // namespace

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
      app.add_flag_callback("--endpoints", [&app] { throw ExitEarly{[&app] { return print_endpoints(app); }}; },
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
  if (!max_body) throw Error(ErrorKind::usage, "--max-body: \"" + flags.max_body + "\" is not a size (e.g. 64MiB)");
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
    if (!o.wait) throw Error(ErrorKind::usage, "--wait: \"" + flags.wait + "\" is not a duration (e.g. 500ms, 5s)");
  }
  o.max_in_flight = flags.max_in_flight;
  return o;
}

int pump_exit_status(const PumpStats& stats, const PumpOptions& options, const Diagnostics& diagnostics) {
  if (stats.output_closed) return kExitOk;
  if (stats.refused) return kExitRefused;
  if (stats.unavailable) return kExitUnavailable;
  if (stats.failed > 0 || stats.unconfirmed > 0) return kExitDeliveryFailed;
  if (diagnostics.bad_inputs() > 0) return kExitBadInput;
  if (stats.timed_out && options.count && stats.received < *options.count) return kExitTimeout;
  return kExitOk;
}

}  // namespace gsmq
