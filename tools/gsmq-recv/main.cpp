// gsmq-recv: messages from an endpoint out as JSON lines (or --raw bodies) on stdout.
#include "cli/tool.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Receive messages from an endpoint and print them as JSON lines on stdout.", "gsmq-recv"};
  app.set_version_flag("-V,--version", version_text("gsmq-recv"));
  CommonFlags flags;
  std::string url;
  app.add_option("URL", url, "Where to receive from (gsmq(7) ENDPOINTS): file:PATH, - (stdin), ...")->required();
  add_common_flags(app, flags, kInputFlags | kSourceFlags);
  app.footer(
      "Examples:\n"
      "  gsmq-recv file:in.jsonl | jq -r .body\n"
      "  gsmq-recv --follow file:events.jsonl | head -1\n"
      "  gsmq-recv --count 10 --wait 5s file:in.jsonl\n"
      "Exit status: 0 ok, 2 usage, 3 bad input line, 4 unavailable, 5 timeout before --count, 7 internal.\n"
      "See gsmq-recv(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-recv";
    const EndpointOptions options = endpoint_options(flags, diagnostics);
    auto source = open_source(url, options);
    auto sink = open_sink("-", options);
    const PumpOptions pump = pump_options(flags);
    const PumpStats stats = run_pump(*source, *sink, pump);
    return pump_exit_status(stats, pump, diagnostics);
  });
}
