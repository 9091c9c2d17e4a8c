#include "endpoint/stomp/mapping.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::stomp {
namespace {

// Headers of the frame mechanics: not meta, and never taken from meta.
constexpr std::array<std::string_view, 10> kMechanics = {"destination", "subscription", "ack",     "content-length",
                                                         "receipt",     "transaction",  "id",      kIdHeader,
                                                         kTsHeader,     "priority"};
// STOMP's own message headers: meta stomp.NAME.
constexpr std::array<std::string_view, 3> kStompHeaders = {"content-type", "message-id", "redelivered"};
constexpr std::string_view kPrefix = "stomp.";

bool in(std::string_view name, const auto& list) { return std::find(list.begin(), list.end(), name) != list.end(); }

template <typename T>
std::optional<T> number(std::string_view text) {
  T v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

Message message_from_frame(const Frame& f) {
  Message m;
  std::string destination = f.header("destination").value_or("");
  m.channel = destination.starts_with('/') ? destination.substr(1) : destination;
  m.body = f.body;
  if (auto id = f.header(kIdHeader)) m.id = *id;
  if (auto ts = f.header(kTsHeader)) m.ts = number<int64_t>(*ts).value_or(0);
  if (auto p = f.header("priority")) m.priority = std::clamp<int>(number<int>(*p).value_or(0), 0, 9);
  for (const auto& [name, value] : f.headers) {
    if (in(name, kMechanics)) continue;
    const std::string key = in(name, kStompHeaders) ? std::string(kPrefix) + name : name;
    m.meta.emplace(key, value);  // a repeated header: the first wins
  }
  stamp(m);
  return m;
}

Send send_frame_for(const Message& message, const Settings& settings) {
  Send out;
  Frame& f = out.frame;
  f.command = "SEND";
  std::string destination = sink_channel(settings.destination, message.channel);
  if (destination.empty()) {
    out.error = "no destination: the message has no channel and " + settings.url_text + " names none";
    return out;
  }
  if (!destination.starts_with('/')) destination.insert(0, "/");
  f.add("destination", destination);
  if (!message.id.empty()) f.add(kIdHeader, message.id);
  if (message.ts > 0) f.add(kTsHeader, std::to_string(message.ts));
  if (message.priority > 0) f.add("priority", std::to_string(message.priority));
  if (settings.persistent) f.add("persistent", "true");
  for (const auto& [key, value] : message.meta) {
    std::string_view name = key;
    if (name.starts_with(kPrefix)) {  // of STOMP's own, only the content type is the sender's
      if (name != "stomp.content-type") continue;
      name = "content-type";
    } else if (name == "content-type") {
      if (message.meta.count("stomp.content-type")) continue;
    } else if (in(name, kStompHeaders) || in(name, kMechanics) || (settings.persistent && name == "persistent")) {
      continue;
    }
    f.add(std::string(name), value);
  }
  f.body = message.body;
  return out;
}

}  // namespace gsmq::endpoint::stomp
