// gsmq-bridge: any endpoint to any endpoint(s), at least once.
#include <cstdio>

#include "cli/tool.h"
#include "endpoint/registry/registry.h"
#include "envelope/output_template.h"
#include "pipeline/filter.h"
#include "pipeline/tee_sink.h"
#include "policy/rule_engine.h"

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Move messages from SOURCE to one or more SINKs, at least once: a message is acknowledged\n"
               "at the source only after every sink confirmed it.",
               "gsmq-bridge"};
  app.set_version_flag("-V,--version", version_text("gsmq-bridge"));
  CommonFlags flags;
  std::string source_url, map, rules_path;
  std::vector<std::string> sink_urls, filter_texts;
  app.add_option("SOURCE", source_url, "Where messages come from (gsmq(7) ENDPOINTS)")->required();
  app.add_option("SINK", sink_urls, "Where they go; several sinks each get every message (tee)")->required();
  app.add_option("--map", map, "Rewrite the channel with TEMPLATE, e.g. 'site1/{channel}' or '{meta.site}/{channel}'");
  app.add_option("--filter", filter_texts,
                 "Only pass messages where EXPRESSION holds (repeatable, all must hold), e.g.\n"
                 "'channel~sensors/*', 'meta.site==lab', 'body.temp>30 and not meta.test exists';\n"
                 "others are acked and skipped");
  app.add_option("--rules", rules_path,
                 "Apply the rules FILE to every message after --filter and --map (priority, meta,\n"
                 "route, copy, drop, sample, limit; docs/policies.md); dropped ones count as skipped");
  add_common_flags(app, flags, kInputFlags | kSourceFlags | kFlowFlags);
  app.footer(
      "Examples:\n"
      "  gsmq-bridge file:in.jsonl -\n"
      "  gsmq-bridge --follow gsmq://127.0.0.1:7878/jobs file:jobs.jsonl\n"
      "  gsmq-bridge --follow --map 'site1/{channel}' gsmq://127.0.0.1:7878/in gsmq://10.0.0.2:7878/up\n"
      "  gsmq-bridge --follow --filter 'body.temp>30' gsmq://127.0.0.1:7878/t file:hot.jsonl -\n"
      "  gsmq-bridge --follow --rules sensors.rules mqtt://127.0.0.1:1883/sensors/# gsmq://127.0.0.1:7878\n"
      "  gsmq-bridge --endpoints                              # every URL scheme and its parameters\n"
      "Exit status: 0 ok, 1 delivery failed, 2 usage, 3 bad input, 4 unavailable, 5 timeout, 7 internal.\n"
      "See gsmq-bridge(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    Diagnostics diagnostics;
    diagnostics.program = "gsmq-bridge";
    EndpointOptions options = endpoint_options(flags, diagnostics);
    options.limit = flags.count;
    std::optional<OutputTemplate> channel_template;
    if (!map.empty()) {
      std::string error;
      channel_template = OutputTemplate::parse(map, error);
      if (!channel_template) throw Error(ErrorKind::usage, "--map: " + error);
    }
    std::vector<MessageFilter> filters;
    for (const auto& text : filter_texts) {
      std::string error;
      auto f = MessageFilter::parse(text, error);
      if (!f) throw Error(ErrorKind::usage, "--filter " + error);
      filters.push_back(std::move(*f));
    }
    std::unique_ptr<policy::RuleEngine> rules;
    if (!rules_path.empty()) {
      std::string error;
      auto file = policy::load_rule_file(rules_path, error);
      if (!file) throw Error(ErrorKind::usage, "--rules " + error);
      rules = std::make_unique<policy::RuleEngine>(std::move(*file));
    }
    auto source = open_source(source_url, options);
    std::vector<std::unique_ptr<Sink>> sinks;
    for (const auto& url : sink_urls) sinks.push_back(open_sink(url, options));
    auto sink = make_tee_sink(std::move(sinks));
    PumpOptions pump = pump_options(flags);
    pump.transform = [&](Message& m) {
      if (!matches_all(filters, m)) return false;
      if (channel_template) m.channel = channel_template->render(m);
      return true;
    };
    if (rules)
      pump.expand = [&](Message& m, std::vector<Message>& copies) {
        auto verdict = rules->apply(m, now_micros());
        copies = std::move(verdict.copies);
        return verdict.dropped_by.empty();
      };
    const PumpStats stats = run_pump(*source, *sink, pump);
    if (!flags.quiet)
      std::fprintf(stderr,
                   "gsmq-bridge: received %llu, delivered %llu, failed %llu, retried %llu, skipped %llu, bad input %llu\n",
                   static_cast<unsigned long long>(stats.received), static_cast<unsigned long long>(stats.delivered),
                   static_cast<unsigned long long>(stats.failed), static_cast<unsigned long long>(stats.retried),
                   static_cast<unsigned long long>(stats.skipped),
                   static_cast<unsigned long long>(diagnostics.bad_inputs()));
    return pump_exit_status(stats, pump, diagnostics);
  });
}
