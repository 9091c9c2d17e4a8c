#include "federation/federation.h"

#include <set>

#include "federation/hops.h"

namespace gsmq::federation {

std::optional<Neighbour> parse_neighbour(const std::string& text, bool name_required, std::string& error) {
  Neighbour n;
  const auto eq = text.find('=');
  const auto scheme = text.find("://");
  if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) {
    n.name = text.substr(0, eq);
    n.url = text.substr(eq + 1);
  } else {
    n.url = text;
  }
  if (n.url.rfind("gsmq://", 0) != 0 && n.url.rfind("gsmqs://", 0) != 0)
    return error = "\"" + text + "\": expected [NAME=]gsmq://HOST:PORT or gsmqs://HOST:PORT", std::nullopt;
  if (name_required && n.name.empty()) return error = "\"" + text + "\": a peer needs its name: NAME=gsmq://HOST:PORT", std::nullopt;
  if (n.name.find_first_of("/,^ ") != std::string::npos)
    return error = "\"" + n.name + "\": a name has no '/', ',', '^' or space", std::nullopt;
  return n;
}

Federation::Federation(server::Broker& broker, FederationOptions options)
    : broker_(broker),
      options_(std::move(options)),
      dedup_(broker.options().data_dir / "federation" / "dedup", broker.committer(), options_.dedup_window) {
  if (options_.upstream)
    links_.push_back(std::make_unique<Link>(
        broker_, options_.name,
        LinkSpec{options_.upstream->name, options_.upstream->url, "up", std::string(kUpstreamOutbox)}));
  // Of two peers, the one whose name sorts first dials; the other waits to be dialled.
  for (const auto& p : options_.peers)
    if (options_.name < p.name)
      links_.push_back(std::make_unique<Link>(broker_, options_.name,
                                              LinkSpec{p.name, p.url, "peer", std::string(kOutboxPrefix) + p.name}));
  broker_.set_forwarding(this);
}

Federation::~Federation() {
  stop();
  broker_.set_forwarding(nullptr);
}

void Federation::start() {
  for (auto& l : links_) l->start();
}

void Federation::stop() {
  for (auto& l : links_) l->stop();
}

server::Forwarding::Arrival Federation::arrival(v1::Message& m, bool& to_store, std::string& key) {
  to_store = false;
  auto& meta = *m.mutable_meta();
  if (!meta.contains(std::string(kHopsKey))) return Arrival::local;
  if (auto kind = meta.find(std::string(kKindKey)); kind != meta.end()) {
    to_store = kind->second == "store";
    meta.erase(kind);
  }
  if (m.id().empty()) return Arrival::fresh;  // nothing to recognise it by
  key = m.channel();
  key += '\0';  // no channel name holds a NUL
  key += m.id();
  switch (dedup_.check(key)) {
    case DedupWindow::Verdict::fresh: return Arrival::fresh;
    case DedupWindow::Verdict::duplicate: return Arrival::duplicate;
    case DedupWindow::Verdict::in_flight: return Arrival::in_flight;
  }
  return Arrival::fresh;
}

void Federation::arrived(std::vector<std::string> keys, bool ok, std::function<void()> done) {
  std::vector<std::string_view> views(keys.begin(), keys.end());
  dedup_.committed(views, ok, [keys = std::move(keys), done = std::move(done)](bool) { done(); });
}

std::vector<std::pair<std::string, std::string>> Federation::targets(const ForwardRule& rule,
                                                                      const std::string& to) const {
  std::vector<std::pair<std::string, std::string>> out;  // (outbox, neighbour name)
  switch (rule.direction) {
    case Direction::up:
      if (options_.upstream) out.emplace_back(std::string(kUpstreamOutbox), options_.upstream->name);
      break;
    case Direction::peer:
      for (const auto& p : options_.peers)
        if (to.empty() || to == p.name) out.emplace_back(std::string(kOutboxPrefix) + p.name, p.name);
      break;
    case Direction::down:  // children dial: their outboxes exist once something is for them
      if (!to.empty()) out.emplace_back(std::string(kOutboxPrefix) + to, to);
      break;
  }
  return out;
}

void Federation::copies(const v1::Message& m, bool to_store, std::vector<v1::Message>& out) {
  if (m.channel().rfind(kOutboxPrefix, 0) == 0) return;  // an outbox itself forwards nothing
  const Kind kind = to_store ? Kind::store : Kind::queue;
  std::map<std::string, std::string> meta(m.meta().begin(), m.meta().end());
  const auto hops = hops_of(meta);
  std::set<std::string> outboxes;  // one copy per outbox, the first rule that matches wins
  for (const auto& rule : options_.rules) {
    const auto f = apply(rule, kind, m.channel());
    if (!f) continue;
    for (const auto& [outbox, neighbour] : targets(rule, f->to)) {
      if (!outboxes.insert(outbox).second) continue;
      if (!may_forward(hops, options_.name, neighbour, options_.max_hops)) continue;
      // Stored in the outbox as it is, but for the channel it will have over there (kept in
      // meta until the link sends it) and the daemons it has passed.
      v1::Message copy = m;
      copy.set_channel(outbox);
      copy.clear_seq();
      copy.clear_receipt();
      copy.clear_receive_count();
      auto copy_meta = meta;
      add_hop(copy_meta, options_.name);
      if (to_store) copy_meta[std::string(kKindKey)] = "store";
      copy_meta[std::string(kChannelKey)] = f->channel;
      copy.mutable_meta()->clear();
      for (auto& [k, v] : copy_meta) (*copy.mutable_meta())[k] = v;
      out.push_back(std::move(copy));
    }
  }
}

v1::ListLinksResponse Federation::links() {
  v1::ListLinksResponse r;
  std::map<std::string, v1::ChannelInfo> outboxes;
  for (auto& c : broker_.list_channels())
    if (c.kind() == "queue" && c.name().rfind(kOutboxPrefix, 0) == 0) outboxes[c.name()] = c;
  auto fill = [&](v1::LinkInfo& info, const std::string& outbox) {
    if (auto it = outboxes.find(outbox); it != outboxes.end()) {
      info.set_backlog(it->second.depth() + it->second.in_flight());
      info.set_dropped(it->second.dropped());
      info.set_consumers(it->second.consumers());
      if (info.forwarded() == 0) info.set_forwarded(it->second.acked());  // read by the neighbour
      outboxes.erase(it);
    }
  };
  for (const auto& l : links_) {
    auto& info = *r.add_links();
    info = l->info();
    fill(info, l->spec().outbox);
  }
  // The links neighbours dial (peers whose names sort first, children): their outboxes
  // here, which they read.
  auto waiting = [&](const std::string& name, const char* direction) {
    auto& info = *r.add_links();
    info.set_name(name);
    info.set_direction(direction);
    fill(info, std::string(kOutboxPrefix) + name);
    info.set_state(info.consumers() > 0 ? "up" : "waiting");
  };
  for (const auto& p : options_.peers)
    if (p.name < options_.name) waiting(p.name, "peer");
  for (const auto& [outbox, c] : std::map(outboxes))
    if (outbox != kUpstreamOutbox) waiting(outbox.substr(kOutboxPrefix.size()), "down");
  r.set_deduplicated(dedup_.duplicates());
  return r;
}

}  // namespace gsmq::federation
