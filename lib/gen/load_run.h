// One gsmq-gen run: producers send to a sink URL on an open-loop schedule (or as fast as
// a bounded in-flight window allows), consumers optionally receive from a source URL and
// match what comes back, and the figures (counts, throughput, HDR latency histograms for
// publish-ack and end-to-end, loss, duplicates, reordering) are collected per second and
// for the whole run, warm-up excluded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gen/arrival_schedule.h"
#include "gen/histogram.h"
#include "gen/payload_template.h"
#include "util/duration.h"

namespace gsmq::gen {

struct LoadOptions {
  std::string sink_url;
  std::string source_url;               // empty: no consumers, no end-to-end figures
  double rate = 0;                      // total msg/s; 0 = closed loop, as fast as possible
  bool poisson = false;
  std::optional<uint64_t> count;        // total messages to send
  Duration duration{0};                 // stop sending after this (0 = until count)
  Duration warmup{0};
  Duration ramp_up{0};                  // producers start spread over this
  Duration drain = std::chrono::seconds(5);  // wait this long for consumers after sending
  uint32_t producers = 1;
  uint32_t consumers = 1;
  bool fanout = false;                  // every consumer gets every message (events), not a share
  size_t max_in_flight = 1000;          // per producer
  std::string body_template;            // empty: filler of `size` bytes
  bool body_is_json = false;            // the template renders JSON (printed as JSON, not a string)
  // Where the matching stamp travels: meta (default) or the start of the body, for
  // endpoints that do not carry meta (MQTT); with --size the body keeps its size.
  bool stamp_in_body = false;
  size_t size = 128;
  std::string channel_template;         // empty: the URL's channel
  std::vector<std::pair<int, double>> priority_mix;  // (priority, weight)
  Duration deadline{0};                 // stamps deadline_ms; received later than this is late
  Duration late_after{0};               // counts late like deadline, without stamping (a baseline)
  Duration critical_time() const { return deadline.count() > 0 ? deadline : late_after; }
  uint64_t seed = 1;
};

struct ChannelFigures {
  uint64_t sent = 0, received = 0, lost = 0, duplicated = 0, reordered = 0;
};

// One line of the per-second time series.
struct Interval {
  double t = 0;                          // seconds since the start
  uint64_t sent = 0, acked = 0, errors = 0, received = 0;
  uint64_t ack_p99_ns = 0, e2e_p99_ns = 0;
};

struct LoadResult {
  double elapsed_s = 0;                  // sending phase, warm-up excluded
  uint64_t sent = 0, acked = 0, errors = 0, received = 0;
  uint64_t acked_measured = 0;           // acked messages sent after the warm-up (throughput)
  uint64_t lost = 0, duplicated = 0, reordered = 0;
  // With a deadline: measured receipts within it and after it (lost ones miss it too).
  uint64_t on_time = 0, late = 0;
  uint64_t body_bytes = 0;               // total bytes of bodies sent
  Histogram ack_latency_ns;              // intended send time -> confirmation
  Histogram e2e_latency_ns;              // intended send time -> received (µs resolution)
  std::map<std::string, ChannelFigures> channels;
  std::vector<Interval> intervals;
  std::vector<std::string> first_errors; // a few examples
};

// Runs the load; `on_interval` sees each per-second line as it happens (live progress).
LoadResult run_load(const LoadOptions& options, const std::function<void(const Interval&)>& on_interval);

}  // namespace gsmq::gen
