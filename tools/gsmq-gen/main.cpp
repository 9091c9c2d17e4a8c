// gsmq-gen: the load generator, against any sink URL, with optional end-to-end matching.
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "cli/tool.h"
#include "gen/load_run.h"
#include "gen/report.h"

namespace {
// "9:1,0:9" -> {(9, 1), (0, 9)}: priority 9 one time in ten.
std::vector<std::pair<int, double>> parse_priority_mix(const std::string& text) {
  std::vector<std::pair<int, double>> mix;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma - pos);
    const auto colon = item.find(':');
    try {
      const int p = std::stoi(item.substr(0, colon));
      const double w = colon == std::string::npos ? 1.0 : std::stod(item.substr(colon + 1));
      if (p < 0 || p > 9 || w < 0) throw std::out_of_range("range");
      mix.emplace_back(p, w);
    } catch (...) {
      throw gsmq::Error(gsmq::ErrorKind::usage, "--priority-mix: \"" + item + "\": expected PRIORITY:WEIGHT with priority 0-9");
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return mix;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace gsmq;
  CLI::App app{"Generate load against any endpoint and report throughput and HDR latency percentiles.\n"
               "Open loop at --rate (no coordinated omission), or closed loop as fast as --max-in-flight allows.",
               "gsmq-gen"};
  app.set_version_flag("-V,--version", version_text("gsmq-gen"));
  gen::LoadOptions o;
  std::string duration, warmup = "0", ramp_up = "0", drain = "5s", size = "128", profile, mix, csv, histogram, deadline, late_after;
  bool json = false, quiet = false;
  app.add_option("URL", o.sink_url, "Where to send (gsmq(7) ENDPOINTS)")->required();
  app.add_option("--subscribe", o.source_url, "Also receive from URL: end-to-end latency, loss, duplicates, reordering");
  app.add_option("-r,--rate", o.rate, "Total messages per second, open loop (0 = closed loop, as fast as possible)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--poisson", o.poisson, "Poisson arrivals at --rate instead of a constant gap");
  app.add_option("-n,--count", o.count, "Send this many messages in total")->check(CLI::PositiveNumber);
  app.add_option("-d,--duration", duration, "Send for DURATION (after --warmup); default 10s without --count");
  app.add_option("--warmup", warmup, "Send for DURATION first without recording figures")->capture_default_str();
  app.add_option("-P,--producers", o.producers, "Producers, each with its own connection")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("-C,--consumers", o.consumers, "Consumers of --subscribe, each with its own connection")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_flag("--fanout", o.fanout, "Each consumer should get every message (events), rather than a share (queues)");
  app.add_option("--ramp-up", ramp_up, "Start the producers spread over DURATION")->capture_default_str();
  app.add_option("--max-in-flight", o.max_in_flight, "Messages sent but not confirmed, per producer")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("-s,--size", size, "Body size (e.g. 128, 4KiB) of generated filler bodies")->capture_default_str();
  auto* tmpl = app.add_option("--template", o.body_template,
                              "Body TEMPLATE: {{seq}} {{client}} {{ts}} {{uuid}} {{rand A B}} {{choice a b c}}");
  app.add_option("--profile", profile, "Built-in device body: temperature, humidity, motion, door, gps")
      ->check(CLI::IsMember(gen::profile_names()))
      ->excludes(tmpl);
  app.add_option("--channel", o.channel_template, "Channel TEMPLATE per message, e.g. 'site/{{client}}/temp'");
  app.add_option("--priority-mix", mix, "Priorities with weights, e.g. '9:1,0:9' (one in ten at priority 9)");
  app.add_option("--deadline", deadline,
                 "Stamp deadline_ms on every message and report the miss ratio (late or lost) with --subscribe");
  app.add_option("--late-after", late_after,
                 "Report the miss ratio against DURATION like --deadline, without stamping it (a FIFO baseline)");
  app.add_flag("--stamp-in-body", o.stamp_in_body,
               "Carry the matching stamp at the start of the body, for endpoints that do not carry meta (MQTT)");
  app.add_option("--drain", drain, "After sending, wait up to DURATION for the consumers")->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed (templates, Poisson gaps, priorities)")->capture_default_str();
  app.add_flag("--json", json, "Print the summary as JSON on stdout (with --endpoints: the list)");
  app.add_option("--csv", csv, "Write the per-second time series to FILE (CSV)");
  app.add_option("--histogram", histogram, "Write the latency distribution to FILE (HdrHistogram .hgrm text)");
  app.add_flag("-q,--quiet", quiet, "No progress or summary on stderr");
  add_endpoints_flag(app);
  app.footer(
      "Examples:\n"
      "  gsmq-gen --rate 10000 --duration 30s gsmq://127.0.0.1:7878/bench\n"
      "  gsmq-gen --count 1000000 --size 128 gsmq://127.0.0.1:7878/bench          # closed loop, max rate\n"
      "  gsmq-gen --rate 1000 --subscribe gsmq://127.0.0.1:7878/t?kind=events gsmq://127.0.0.1:7878/t?kind=events\n"
      "  gsmq-gen --rate 1000 -C 10 --fanout --subscribe gsmq://127.0.0.1:7878/f?kind=events gsmq://127.0.0.1:7878/f?kind=events\n"
      "  gsmq-gen --profile temperature --channel 'site/{{client}}/temp' -P 10 --rate 100 file:out.jsonl\n"
      "  gsmq-gen --endpoints                                 # every URL scheme and its parameters\n"
      "Exit status: 0 ok, 1 some sends failed or messages were lost, 2 usage, 4 unavailable, 7 internal.\n"
      "See gsmq-gen(1) and gsmq(7).");

  return run_tool(app, argc, argv, [&] {
    o.duration = duration.empty() ? (o.count ? Duration(0) : std::chrono::seconds(10))
                                  : parse_duration_flag("--duration", duration);
    o.warmup = parse_duration_flag("--warmup", warmup);
    o.ramp_up = parse_duration_flag("--ramp-up", ramp_up);
    o.drain = parse_duration_flag("--drain", drain);
    const auto bytes = parse_size(size);
    if (!bytes) throw Error(ErrorKind::usage, "--size: \"" + size + "\" is not a size");
    o.size = *bytes;
    if (!profile.empty()) o.body_template = *gen::profile_template(profile);
    o.body_is_json = !o.body_template.empty() && (o.body_template.front() == '{' || o.body_template.front() == '[');
    if (!mix.empty()) o.priority_mix = parse_priority_mix(mix);
    if (!deadline.empty()) {
      o.deadline = parse_duration_flag("--deadline", deadline);
      if (o.deadline < std::chrono::milliseconds(1)) throw Error(ErrorKind::usage, "--deadline: at least 1ms");
    }
    if (!late_after.empty()) o.late_after = parse_duration_flag("--late-after", late_after);
    std::ofstream csv_out;
    if (!csv.empty()) {
      csv_out.open(csv);
      if (!csv_out) throw Error(ErrorKind::usage, "--csv: cannot write " + csv);
      csv_out << gen::csv_header() << std::flush;
    }
    const bool live = !quiet && ::isatty(STDERR_FILENO);
    const auto result = gen::run_load(o, [&](const gen::Interval& i) {
      if (csv_out.is_open()) csv_out << gen::csv_line(i) << std::flush;
      if (live) std::fprintf(stderr, "\r%s\033[K", gen::progress_line(i).c_str());
    });
    if (live) std::fprintf(stderr, "\n");
    if (!quiet) std::fprintf(stderr, "%s", gen::summary_text(o, result).c_str());
    if (json) std::printf("%s\n", gen::summary_json(o, result).dump().c_str());
    if (!histogram.empty()) {
      std::ofstream h(histogram);
      const auto& hist = o.source_url.empty() ? result.ack_latency_ns : result.e2e_latency_ns;
      h << hist.percentile_distribution(1000.0);
      if (!h) throw Error(ErrorKind::usage, "--histogram: cannot write " + histogram);
    }
    return (result.errors > 0 || result.lost > 0) ? kExitDeliveryFailed : kExitOk;
  });
}
