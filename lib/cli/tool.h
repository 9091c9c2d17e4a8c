// What the client tools (gsmq-send, -recv, -bridge, -gen) share on the command line: the
// common flags, --endpoints, and the adapter and pump options made from them. Running a
// tool (signals, exit statuses) is tool/run.h, which gsmqd uses too.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "endpoint/endpoint.h"
#include "pipeline/pump.h"
#include "tool/exit_status.h"
#include "tool/run.h"
#include "util/size.h"

namespace gsmq {

struct CommonFlags {
  bool raw = false;
  bool follow = false;
  bool peek = false;
  bool quiet = false;
  std::optional<uint64_t> count;
  std::string wait;                 // a duration, empty = no limit
  std::string max_body = "64MiB";
  size_t max_in_flight = 1024;
};

// Which of the shared flags a tool takes.
enum FlagSet : unsigned {
  kInputFlags = 1,    // reads messages: --raw, --max-body
  kSourceFlags = 2,   // takes from a source: --count, --wait, --follow, --peek
  kFlowFlags = 4,     // --max-in-flight
};

// Adds the flags of `which`, and --endpoints.
void add_common_flags(CLI::App& app, CommonFlags& flags, unsigned which);

// --endpoints [--json]: prints every endpoint kind the tool speaks, with its roles and
// parameters (as JSON with --json; a tool's own --json is reused), and exits 0 before
// any required argument is asked for.
void add_endpoints_flag(CLI::App& app);

// Builds the adapter and pump options from the parsed flags (throws Error on bad values).
EndpointOptions endpoint_options(const CommonFlags& flags, Diagnostics& diagnostics);
PumpOptions pump_options(const CommonFlags& flags);

// The exit status for a finished run (gsmq(7) EXIT STATUS): a closed output is a clean
// end (0); otherwise delivery failures (1), then bad input (3), then a timeout before
// the requested count (5). A sink that lost its peer for good ends the run with 4.
int pump_exit_status(const PumpStats& stats, const PumpOptions& options, const Diagnostics& diagnostics);

}  // namespace gsmq
