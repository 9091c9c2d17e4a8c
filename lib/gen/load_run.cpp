#include "gen/load_run.h"

#include <random>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "endpoint/endpoint.h"
#include "endpoint/registry/registry.h"
#include "envelope/message.h"
#include "util/signals.h"

namespace gsmq::gen {
namespace {

constexpr size_t kMaxErrorExamples = 5;

// What the run shares between producers, consumers and the reporter.
std::string random_run_id() {
  static constexpr char hex[] = "0123456789abcdef";
  uint64_t r = std::random_device{}() | uint64_t{std::random_device{}()} << 32;
  std::string id;
  for (int i = 0; i < 12; ++i, r >>= 4) id.push_back(hex[r & 15]);
  return id;
}

struct Run {
  const LoadOptions& options;
  Clock::time_point start;
  int64_t start_us = 0;                 // the system clock at `start`, for the "gen" stamp
  Clock::time_point measure_from;       // warm-up ends
  Clock::time_point send_end = Clock::time_point::max();
  std::atomic<uint64_t> sent{0}, acked{0}, acked_measured{0}, errors{0}, received{0}, unique_received{0}, body_bytes{0};
  std::atomic<bool> stop_sending{false}, stop_consuming{false};
  std::mutex errors_mutex;
  std::vector<std::string> first_errors;

  // Ids are unique across runs and generators ("gen-RUN-CLIENT-SEQ"): receivers that keep a
  // message once per id (federated gsmqd) must not take two generators' messages for one.
  const std::string id_prefix = "gen-" + random_run_id() + "-";

  explicit Run(const LoadOptions& o) : options(o) {}
  int64_t system_us(Clock::time_point t) const {
    return start_us + std::chrono::duration_cast<std::chrono::microseconds>(t - start).count();
  }
  void note_error(const std::string& e) {
    std::lock_guard lock(errors_mutex);
    if (first_errors.size() < kMaxErrorExamples) first_errors.push_back(e);
  }
};

struct Producer {
  uint32_t client = 0;  // from 1
  uint64_t share = UINT64_MAX;
  std::unique_ptr<Sink> sink;
  std::mutex mutex;      // guards everything below (confirmations come from the sink's thread)
  std::condition_variable room;
  size_t in_flight = 0;
  Histogram total, interval;
  std::vector<bool> acked;  // by seq-1
  std::map<std::string, ChannelFigures> channels;  // sent (acked) per channel
};

struct Consumer {
  std::unique_ptr<Source> source;
};

// Received-side bookkeeping: which (client, seq) arrived, per channel figures, e2e latency.
struct Tracker {
  std::mutex mutex;
  std::vector<std::vector<bool>> seen;  // [client-1][seq-1]
  std::vector<uint64_t> last_seq;       // [client-1]
  std::map<std::string, ChannelFigures> channels;
  Histogram total, interval;
  uint64_t on_time = 0, late = 0;  // first receipts, measured, against --deadline
};

// The "gen" meta entry of a generated message: client, seq, intended send time, channel.
struct GenStamp {
  uint64_t client = 0, seq = 0, ts_us = 0;
  std::string channel;
  bool valid = false;
};

GenStamp read_stamp(const Message& m) {
  GenStamp g;
  std::string v;
  if (auto it = m.meta.find("gen"); it != m.meta.end()) v = it->second;
  else if (m.body.starts_with("gen:")) v = m.body.substr(4, m.body.find(' ') - 4);  // --stamp-in-body
  else return g;
  const auto a = v.find(':'), b = v.find(':', a + 1), c = v.find(':', b + 1);
  if (c == std::string::npos) return g;
  try {
    g.client = std::stoull(v.substr(0, a));
    g.seq = std::stoull(v.substr(a + 1, b - a - 1));
    g.ts_us = std::stoull(v.substr(b + 1, c - b - 1));
  } catch (...) {
    return g;
  }
  g.channel = v.substr(c + 1);
  g.valid = true;
  return g;
}

int pick_priority(const std::vector<std::pair<int, double>>& mix, std::mt19937_64& rng) {
  if (mix.empty()) return 0;
  double total = 0;
  for (const auto& [p, w] : mix) total += w;
  double x = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto& [p, w] : mix) {
    if (x < w) return p;
    x -= w;
  }
  return mix.back().first;
}

void produce(Run& run, Producer& p, const PayloadTemplate* body, const PayloadTemplate* channel) {
  const auto& o = run.options;
  std::mt19937_64 rng(o.seed * 7919 + p.client);
  const std::string filler = body ? std::string() : filler_body(o.size);
  const auto ramp = o.producers > 1 ? o.ramp_up * (p.client - 1) / o.producers : Duration(0);
  std::optional<ArrivalSchedule> schedule;
  if (o.rate > 0) schedule.emplace(o.rate / o.producers, o.poisson, run.start + ramp, o.seed + p.client);
  else std::this_thread::sleep_until(run.start + ramp);

  for (uint64_t seq = 1; seq <= p.share; ++seq) {
    if (run.stop_sending.load() || stop_requested()) break;
    const Clock::time_point intended = schedule ? schedule->next() : Clock::now();
    if (intended >= run.send_end) break;
    if (schedule) std::this_thread::sleep_until(intended);  // behind schedule: no sleep, latency shows it
    {
      std::unique_lock lock(p.mutex);
      p.room.wait(lock, [&] { return p.in_flight < o.max_in_flight; });
      ++p.in_flight;
    }
    Message m;
    TemplateContext ctx{seq, p.client, run.system_us(intended)};
    m.body = body ? body->render(ctx, rng) : filler;
    m.body_is_json = body && o.body_is_json;
    if (channel) m.channel = channel->render(ctx, rng);
    m.priority = pick_priority(o.priority_mix, rng);
    m.ts = ctx.ts_us;
    if (o.deadline.count() > 0) m.deadline_ms = std::max<int64_t>(1, o.deadline.count() / 1000);
    m.id = run.id_prefix + std::to_string(p.client) + "-" + std::to_string(seq);
    // Figures per channel as generated ("" = the URL's own channel); the consumer reads it
    // back, since the sink fills in the URL's channel on the way. One meta entry keeps the
    // generator's own cost per message low: "gen" = "CLIENT:SEQ:TS_US:CHANNEL".
    const std::string channel_name = m.channel;
    std::string stamp = std::to_string(p.client) + ":" + std::to_string(seq) + ":" + std::to_string(ctx.ts_us) + ":" +
                        channel_name;
    if (o.stamp_in_body) {
      // "gen:STAMP " then the body; a filler body is cut so the total stays --size bytes.
      std::string prefix = "gen:" + stamp + " ";
      if (!body) m.body.resize(m.body.size() > prefix.size() ? m.body.size() - prefix.size() : 0);
      m.body.insert(0, prefix);
      m.body_is_json = false;
    } else {
      m.meta["gen"] = std::move(stamp);
    }
    const size_t bytes = m.body.size();
    run.sent.fetch_add(1);
    run.body_bytes.fetch_add(bytes);
    p.sink->send(std::move(m), [&run, &p, intended, seq, channel_name](const SendResult& r) {
      const auto latency = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - intended).count();
      {
        std::lock_guard lock(p.mutex);
        --p.in_flight;
        if (r.status == SendResult::Status::ok) {
          if (intended >= run.measure_from) {
            p.total.record(static_cast<uint64_t>(std::max<int64_t>(0, latency)));
            p.interval.record(static_cast<uint64_t>(std::max<int64_t>(0, latency)));
          }
          if (p.acked.size() < seq) p.acked.resize(seq * 2, false);
          p.acked[seq - 1] = true;
          ++p.channels[channel_name].sent;
        }
      }
      p.room.notify_one();
      if (r.status == SendResult::Status::ok) {
        run.acked.fetch_add(1);
        if (intended >= run.measure_from) run.acked_measured.fetch_add(1);
      } else {
        run.errors.fetch_add(1);
        run.note_error(r.error);
      }
    });
  }
  p.sink->flush(Clock::now() + std::chrono::seconds(30));
}

void consume(Run& run, Consumer& c, Tracker& t) {
  const auto& o = run.options;
  Delivery d;
  while (!run.stop_consuming.load()) {
    const auto status = c.source->next(d, Clock::now() + std::chrono::milliseconds(100));
    if (status == Source::Status::end || status == Source::Status::stopped) {
      if (status == Source::Status::end) break;
      if (run.stop_consuming.load()) break;
      continue;
    }
    if (status != Source::Status::message) continue;
    const int64_t now_us = now_micros();
    const GenStamp stamp = read_stamp(d.message);
    const uint64_t sent_us = stamp.ts_us, client = stamp.client, seq = stamp.seq;
    run.received.fetch_add(1);
    {
      std::lock_guard lock(t.mutex);
      auto& ch = t.channels[stamp.valid ? stamp.channel : d.message.channel];
      ++ch.received;
      const bool measured = sent_us > 0 && static_cast<int64_t>(sent_us) >= run.system_us(run.measure_from);
      if (client >= 1 && client <= t.seen.size() && seq >= 1) {
        auto& seen = t.seen[client - 1];
        if (seen.size() < seq) seen.resize(seq * 2, false);
        if (seen[seq - 1]) {
          ++ch.duplicated;
        } else {
          seen[seq - 1] = true;
          run.unique_received.fetch_add(1);
          if (o.critical_time().count() > 0 && measured)
            ++(now_us - static_cast<int64_t>(sent_us) <= o.critical_time().count() ? t.on_time : t.late);
        }
        if (seq < t.last_seq[client - 1]) ++ch.reordered;
        t.last_seq[client - 1] = std::max(t.last_seq[client - 1], seq);
      }
      if (measured) {
        const int64_t e2e_ns = std::max<int64_t>(0, now_us - static_cast<int64_t>(sent_us)) * 1000;
        t.total.record(static_cast<uint64_t>(e2e_ns));
        t.interval.record(static_cast<uint64_t>(e2e_ns));
      }
    }
    c.source->ack(d.tag);
  }
  c.source->close();
}

}  // namespace

LoadResult run_load(const LoadOptions& o, const std::function<void(const Interval&)>& on_interval) {
  std::string error;
  std::optional<PayloadTemplate> body, channel;
  if (!o.body_template.empty() && !(body = PayloadTemplate::parse(o.body_template, error)))
    throw Error(ErrorKind::usage, "body template: " + error);
  if (!o.channel_template.empty() && !(channel = PayloadTemplate::parse(o.channel_template, error)))
    throw Error(ErrorKind::usage, "--channel: " + error);

  Run run(o);
  EndpointOptions endpoint;
  // Open everything first: an unreachable endpoint fails the run before it starts.
  std::vector<std::unique_ptr<Producer>> producers;
  for (uint32_t i = 0; i < o.producers; ++i) {
    auto p = std::make_unique<Producer>();
    p->client = i + 1;
    if (o.count) p->share = *o.count / o.producers + (i < *o.count % o.producers ? 1 : 0);
    p->sink = open_sink(o.sink_url, endpoint);
    producers.push_back(std::move(p));
  }
  // Shared consumers (a queue, a group) split the messages: one tracker for all. With
  // --fanout each consumer must see every message: one tracker each.
  const size_t tracker_count = o.fanout ? std::max<uint32_t>(1, o.consumers) : 1;
  std::vector<std::unique_ptr<Tracker>> trackers;
  for (size_t i = 0; i < tracker_count; ++i) {
    trackers.push_back(std::make_unique<Tracker>());
    trackers.back()->seen.resize(o.producers);
    trackers.back()->last_seq.resize(o.producers, 0);
  }
  std::vector<std::unique_ptr<Consumer>> consumers;
  if (!o.source_url.empty()) {
    EndpointOptions follow = endpoint;
    follow.follow = true;
    for (uint32_t i = 0; i < o.consumers; ++i) {
      auto c = std::make_unique<Consumer>();
      c->source = open_source(o.source_url, follow);
      consumers.push_back(std::move(c));
    }
  }
  std::vector<std::thread> consumer_threads;
  for (size_t i = 0; i < consumers.size(); ++i) {
    Tracker& t = *trackers[o.fanout ? i : 0];
    consumer_threads.emplace_back([&run, c = consumers[i].get(), &t] { consume(run, *c, t); });
  }
  // Subscriptions are set up asynchronously; give them a moment before the first send.
  if (!consumers.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(300));

  run.start = Clock::now();
  run.start_us = now_micros();
  run.measure_from = run.start + o.warmup;
  if (o.duration.count() > 0) run.send_end = run.start + o.warmup + o.duration;

  std::vector<std::thread> producer_threads;
  for (auto& p : producers)
    producer_threads.emplace_back([&run, &p, &body, &channel] {
      produce(run, *p, body ? &*body : nullptr, channel ? &*channel : nullptr);
    });

  // Reporter: one line per second until everything is done.
  LoadResult result;
  std::atomic<bool> reporting{true};
  std::thread reporter([&] {
    uint64_t last_sent = 0, last_acked = 0, last_errors = 0, last_received = 0;
    auto next = run.start + std::chrono::seconds(1);
    while (reporting.load()) {
      std::this_thread::sleep_until(std::min(next, Clock::now() + std::chrono::milliseconds(50)));
      if (Clock::now() < next) continue;
      Interval iv;
      iv.t = std::chrono::duration<double>(next - run.start).count();
      next += std::chrono::seconds(1);
      const uint64_t s = run.sent, a = run.acked, e = run.errors, r = run.received;
      iv.sent = s - last_sent;
      iv.acked = a - last_acked;
      iv.errors = e - last_errors;
      iv.received = r - last_received;
      last_sent = s, last_acked = a, last_errors = e, last_received = r;
      Histogram acks;
      for (auto& p : producers) {
        std::lock_guard lock(p->mutex);
        acks.merge(p->interval);
        p->interval.reset();
      }
      iv.ack_p99_ns = acks.percentile(99);
      Histogram e2e;
      for (auto& t : trackers) {
        std::lock_guard lock(t->mutex);
        e2e.merge(t->interval);
        t->interval.reset();
      }
      iv.e2e_p99_ns = e2e.percentile(99);
      result.intervals.push_back(iv);
      if (on_interval) on_interval(iv);
    }
  });

  for (auto& t : producer_threads) t.join();
  const auto send_done = Clock::now();
  // Drain: consumers get up to `drain` to receive everything that was acknowledged.
  const auto drain_until = Clock::now() + o.drain;
  while (!consumers.empty() && Clock::now() < drain_until && !stop_requested() &&
         run.unique_received.load() < run.acked.load() * tracker_count)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  run.stop_consuming = true;
  for (auto& t : consumer_threads) t.join();
  reporting = false;
  reporter.join();

  const auto measured_start = std::max(run.measure_from, run.start);
  result.elapsed_s = std::max(1e-9, std::chrono::duration<double>(send_done - measured_start).count());
  result.sent = run.sent;
  result.acked = run.acked;
  result.acked_measured = run.acked_measured;
  result.errors = run.errors;
  result.received = run.received;
  result.first_errors = run.first_errors;
  for (auto& p : producers) {
    result.ack_latency_ns.merge(p->total);
    for (const auto& [name, f] : p->channels) result.channels[name].sent += f.sent;
  }
  result.body_bytes = run.body_bytes;
  if (!consumers.empty()) {
    for (auto& t : trackers) {
      result.e2e_latency_ns.merge(t->total);
      result.on_time += t->on_time;
      result.late += t->late;
      for (const auto& [name, f] : t->channels) {
        auto& c = result.channels[name];
        c.received += f.received;
        c.duplicated += f.duplicated;
        c.reordered += f.reordered;
      }
    }
    for (auto& [name, c] : result.channels) {
      const uint64_t unique = c.received - c.duplicated;
      const uint64_t expected = c.sent * tracker_count;
      c.lost = expected > unique ? expected - unique : 0;
      result.lost += c.lost;
      result.duplicated += c.duplicated;
      result.reordered += c.reordered;
    }
  }
  return result;
}

}  // namespace gsmq::gen
