#include "tool/run.h"

#include <cstdio>

#include "tool/exit_status.h"
#include "util/program_name.h"
#include "util/signals.h"

namespace gsmq {

Duration parse_duration_flag(const std::string& flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw Error(ErrorKind::usage, flag + ": \"" + text + "\" is not a duration (e.g. 500ms, 5s, 2m)");
  return *d;
}

int64_t milliseconds_flag(const std::string& flag, const std::string& text) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration_flag(flag, text)).count();
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
  } catch (const ExitEarly& early) {
    return early.action();
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
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    return exit_status_of(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", name.c_str(), e.what());
    return kExitInternal;
  }
}

}  // namespace gsmq
