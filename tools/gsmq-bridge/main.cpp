// gsmq-bridge: any endpoint to any endpoint, at least once.
#include <cstdio>

#include "cli/tool.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Move messages from SOURCE to SINK, at least once: a message is acknowledged at the\n"
               "source only after the sink confirmed it.",
               "gsmq-bridge"};
  app.set_version_flag("-V,--version", version_text("gsmq-bridge"));
  CommonFlags flags;
  std::string source_url, sink_url;
  app.add_option("SOURCE", source_url, "Where messages come from (gsmq(7) ENDPOINTS)")->required();
  app.add_option("SINK", sink_url, "Where they go")->required();
  add_common_flags(app, flags, kInputFlags | kSourceFlags | kFlowFlags);
  app.footer(
      "Examples:\n"
      "  gsmq-bridge file:in.jsonl -\n"
      "  gsmq-bridge --follow file:in.jsonl file:copy.jsonl\n"
      "Exit status: 0 ok, 1 delivery failed, 2 usage, 3 bad input, 4 unavailable, 5 timeout, 7 internal.\n"
      "See gsmq-bridge(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-bridge";
    const EndpointOptions options = endpoint_options(flags, diagnostics);
    auto source = open_source(source_url, options);
    auto sink = open_sink(sink_url, options);
    const PumpOptions pump = pump_options(flags);
    const PumpStats stats = run_pump(*source, *sink, pump);
    if (!flags.quiet)
      std::fprintf(stderr, "gsmq-bridge: received %llu, delivered %llu, failed %llu, bad input %llu\n",
                   static_cast<unsigned long long>(stats.received), static_cast<unsigned long long>(stats.delivered),
                   static_cast<unsigned long long>(stats.failed),
                   static_cast<unsigned long long>(diagnostics.bad_inputs()));
    return pump_exit_status(stats, pump, diagnostics);
  });
}
