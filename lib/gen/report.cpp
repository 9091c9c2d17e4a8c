#include "gen/report.h"

#include <cstdio>

namespace gsmq::gen {
namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9, 99.99};

std::string us(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ns) / 1000.0);
  return buf;
}

std::string latency_row(const char* name, const Histogram& h) {
  std::string row = std::string("  ") + name;
  row.resize(16, ' ');
  for (double p : kPercentiles) {
    std::string cell = us(h.percentile(p));
    row += std::string(10 - std::min<size_t>(10, cell.size()), ' ') + cell;
  }
  std::string cell = us(h.max());
  row += std::string(10 - std::min<size_t>(10, cell.size()), ' ') + cell;
  cell = us(static_cast<uint64_t>(h.mean()));
  row += std::string(10 - std::min<size_t>(10, cell.size()), ' ') + cell;
  return row + "\n";
}

// Body bytes per second over the measured window (the mean body size times the rate).
// Of the messages measured against --deadline, the share that missed it: late or lost.
double miss_ratio(const LoadResult& r) {
  const uint64_t all = r.on_time + r.late + r.lost;
  return all == 0 ? 0.0 : static_cast<double>(r.late + r.lost) / static_cast<double>(all);
}

double megabytes_per_second(const LoadResult& r) {
  if (r.sent == 0) return 0;
  const double mean_body = static_cast<double>(r.body_bytes) / static_cast<double>(r.sent);
  return mean_body * static_cast<double>(r.acked_measured) / r.elapsed_s / 1e6;
}

nlohmann::ordered_json latency_json(const Histogram& h) {
  nlohmann::ordered_json j;
  j["count"] = h.count();
  j["p50_us"] = static_cast<double>(h.percentile(50)) / 1000.0;
  j["p90_us"] = static_cast<double>(h.percentile(90)) / 1000.0;
  j["p99_us"] = static_cast<double>(h.percentile(99)) / 1000.0;
  j["p99_9_us"] = static_cast<double>(h.percentile(99.9)) / 1000.0;
  j["p99_99_us"] = static_cast<double>(h.percentile(99.99)) / 1000.0;
  j["max_us"] = static_cast<double>(h.max()) / 1000.0;
  j["mean_us"] = h.mean() / 1000.0;
  return j;
}

}  // namespace

std::string summary_text(const LoadOptions& o, const LoadResult& r) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "gsmq-gen: %s, %s, %u producer(s)%s\n", o.sink_url.c_str(),
                o.rate > 0 ? (std::to_string(static_cast<uint64_t>(o.rate)) + " msg/s open loop" +
                              (o.poisson ? " (Poisson)" : " (constant)")).c_str()
                           : ("closed loop, " + std::to_string(o.max_in_flight) + " in flight per producer").c_str(),
                o.producers,
                o.source_url.empty() ? "" : (", " + std::to_string(o.consumers) + " consumer(s) on " + o.source_url).c_str());
  out += buf;
  std::snprintf(buf, sizeof buf, "  sent %llu  acked %llu  errors %llu", static_cast<unsigned long long>(r.sent),
                static_cast<unsigned long long>(r.acked), static_cast<unsigned long long>(r.errors));
  out += buf;
  if (!o.source_url.empty()) {
    std::snprintf(buf, sizeof buf, "  received %llu  lost %llu  duplicated %llu  reordered %llu",
                  static_cast<unsigned long long>(r.received), static_cast<unsigned long long>(r.lost),
                  static_cast<unsigned long long>(r.duplicated), static_cast<unsigned long long>(r.reordered));
    out += buf;
  }
  out += "\n";
  if (o.critical_time().count() > 0 && !o.source_url.empty()) {
    std::snprintf(buf, sizeof buf, "  %s %s: on time %llu  late %llu  lost %llu  miss ratio %.2f%%\n",
                  o.deadline.count() > 0 ? "deadline" : "late after", format_duration(o.critical_time()).c_str(), static_cast<unsigned long long>(r.on_time),
                  static_cast<unsigned long long>(r.late), static_cast<unsigned long long>(r.lost),
                  100 * miss_ratio(r));
    out += buf;
  }
  const double rate = static_cast<double>(r.acked_measured) / r.elapsed_s;
  std::snprintf(buf, sizeof buf, "  throughput %.0f msg/s acked (%.2f MB/s of bodies) over %.2f s\n", rate,
                megabytes_per_second(r), r.elapsed_s);
  out += buf;
  out += "  latency (µs)       p50       p90       p99     p99.9    p99.99       max      mean\n";
  out += latency_row("publish-ack", r.ack_latency_ns);
  if (!o.source_url.empty()) out += latency_row("end-to-end", r.e2e_latency_ns);
  for (const auto& e : r.first_errors) out += "  error: " + e + "\n";
  return out;
}

nlohmann::ordered_json summary_json(const LoadOptions& o, const LoadResult& r) {
  nlohmann::ordered_json j;
  j["sink"] = o.sink_url;
  if (!o.source_url.empty()) j["source"] = o.source_url;
  j["rate"] = o.rate;
  j["open_loop"] = o.rate > 0;
  j["poisson"] = o.poisson;
  j["producers"] = o.producers;
  j["consumers"] = o.source_url.empty() ? 0u : o.consumers;
  j["elapsed_s"] = r.elapsed_s;
  j["sent"] = r.sent;
  j["acked"] = r.acked;
  j["errors"] = r.errors;
  j["received"] = r.received;
  j["lost"] = r.lost;
  j["duplicated"] = r.duplicated;
  j["reordered"] = r.reordered;
  j["throughput_msg_s"] = static_cast<double>(r.acked_measured) / r.elapsed_s;
  j["throughput_mb_s"] = megabytes_per_second(r);
  j["publish_ack"] = latency_json(r.ack_latency_ns);
  if (!o.source_url.empty()) j["end_to_end"] = latency_json(r.e2e_latency_ns);
  if (o.critical_time().count() > 0 && !o.source_url.empty())
    j["deadline"] = {{"deadline_ms", o.critical_time().count() / 1000}, {"stamped", o.deadline.count() > 0},
                     {"on_time", r.on_time}, {"late", r.late}, {"lost", r.lost}, {"miss_ratio", miss_ratio(r)}};
  auto& channels = j["channels"] = nlohmann::ordered_json::object();
  for (const auto& [name, c] : r.channels)
    channels[name.empty() ? "(url)" : name] = {{"sent", c.sent}, {"received", c.received}, {"lost", c.lost},
                      {"duplicated", c.duplicated}, {"reordered", c.reordered}};
  if (!r.first_errors.empty()) j["errors_seen"] = r.first_errors;
  return j;
}

std::string csv_header() { return "t_s,sent,acked,errors,received,ack_p99_us,e2e_p99_us\n"; }

std::string csv_line(const Interval& i) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%.0f,%llu,%llu,%llu,%llu,%s,%s\n", i.t, static_cast<unsigned long long>(i.sent),
                static_cast<unsigned long long>(i.acked), static_cast<unsigned long long>(i.errors),
                static_cast<unsigned long long>(i.received), us(i.ack_p99_ns).c_str(), us(i.e2e_p99_ns).c_str());
  return buf;
}

std::string progress_line(const Interval& i) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%4.0fs  sent %8llu/s  acked %8llu/s  errors %llu  received %8llu/s  ack p99 %s µs  e2e p99 %s µs",
                i.t, static_cast<unsigned long long>(i.sent), static_cast<unsigned long long>(i.acked),
                static_cast<unsigned long long>(i.errors), static_cast<unsigned long long>(i.received),
                us(i.ack_p99_ns).c_str(), us(i.e2e_p99_ns).c_str());
  return buf;
}

}  // namespace gsmq::gen
