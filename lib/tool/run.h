// What every gsmq tool's main shares, the daemon's too: running its body with the signal
// handlers installed, CLI11's errors mapped to exit 2 (naming an unknown flag first),
// an Error to the exit status of its kind and anything else to 7, every message "<tool>: ..." on stderr;
// and the --version text.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "util/duration.h"

namespace gsmq {

// Thrown by a flag's callback to end the run before the body, and before CLI11 asks for
// required arguments: run_tool returns what `action` returns (--endpoints prints a list).
struct ExitEarly {
  std::function<int()> action;
};

int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& body);

// The --version text: "<name> <version>".
std::string version_text(const std::string& name);

// A duration flag's value, or Error(usage) naming the flag.
Duration parse_duration_flag(const std::string& flag, const std::string& text);
int64_t milliseconds_flag(const std::string& flag, const std::string& text);

}  // namespace gsmq
