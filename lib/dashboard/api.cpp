#include "dashboard/api.h"

#include <chrono>

#include "dashboard/assets.h"
#include "dashboard/prometheus.h"
#include "dashboard/snapshot.h"
#include "envelope/codec.h"
#include "rpc/message_convert.h"
#include "util/error.h"

namespace gsmq::dashboard {
namespace {

constexpr uint32_t kMaxBrowse = 1000;  // messages on one browser page, at most

ApiResponse json_response(const nlohmann::ordered_json& j, unsigned status = 200) {
  return {status, "application/json", j.dump() + "\n"};
}

ApiResponse error_response(unsigned status, const std::string& message) {
  return json_response({{"error", message}}, status);
}

// A gRPC status as an HTTP one: the daemon's refusals keep their meaning.
unsigned http_status_of(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 507;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    default: return 500;
  }
}

grpc::ClientContext* with_deadline(grpc::ClientContext& context, std::chrono::milliseconds timeout,
                                   const ApiRequest& request) {
  prepare_context(context, timeout, request.authorization);
  return &context;
}

bool to_number(const std::map<std::string, std::string>& query, const std::string& key, uint64_t& out,
               std::string& error) {
  const auto it = query.find(key);
  if (it == query.end()) return true;
  try {
    size_t used = 0;
    out = std::stoull(it->second, &used);
    if (used == it->second.size() && it->second[0] != '-') return true;
  } catch (const std::exception&) {
  }
  error = "query parameter " + key + ": expected a whole number, got \"" + it->second + "\"";
  return false;
}

nlohmann::ordered_json messages_json(const google::protobuf::RepeatedPtrField<v1::Message>& messages,
                                     uint64_t from_seq, uint64_t limit) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& m : messages) {
    if (m.seq() < from_seq) continue;
    if (out.size() >= limit) break;
    out.push_back(nlohmann::ordered_json::parse(format_envelope(from_proto(m))));
  }
  return out;
}

ApiResponse browse(const std::string& channel, const ApiRequest& request, v1::Broker::StubInterface& daemon) {
  uint64_t from_seq = 0, limit = 50;
  std::string error;
  if (!to_number(request.query, "from_seq", from_seq, error) || !to_number(request.query, "limit", limit, error))
    return error_response(400, error);
  limit = std::min<uint64_t>(std::max<uint64_t>(limit, 1), kMaxBrowse);
  v1::ReceiveRequest q;
  q.set_channel(channel);
  q.set_peek(true);
  q.set_from_seq(from_seq);
  q.set_max_messages(static_cast<uint32_t>(limit));
  v1::ReceiveResponse r;
  grpc::ClientContext context;
  const auto status = daemon.Receive(with_deadline(context, std::chrono::seconds(5), request), q, &r);
  if (!status.ok()) return error_response(http_status_of(status), status.error_message());
  return json_response({{"channel", channel}, {"messages", messages_json(r.messages(), from_seq, limit)}});
}

ApiResponse replay(const std::string& channel, const ApiRequest& request, v1::Broker::StubInterface& daemon) {
  uint64_t from_seq = 1, limit = 50;
  std::string error;
  if (!to_number(request.query, "from_seq", from_seq, error) || !to_number(request.query, "limit", limit, error))
    return error_response(400, error);
  limit = std::min<uint64_t>(std::max<uint64_t>(limit, 1), kMaxBrowse);
  v1::SubscribeRequest q;
  q.set_channel(channel);
  q.set_kind(v1::EVENTS_STORE);
  q.set_start(v1::START_SEQUENCE);
  q.set_start_seq(std::max<uint64_t>(from_seq, 1));
  // What is stored comes at once; the deadline ends the stream that would wait for more.
  grpc::ClientContext context;
  with_deadline(context, std::chrono::milliseconds(500), request);
  auto reader = daemon.Subscribe(&context, q);
  google::protobuf::RepeatedPtrField<v1::Message> got;
  v1::SubscribeResponse r;
  while (static_cast<uint64_t>(got.size()) < limit && reader->Read(&r))
    for (auto& m : *r.mutable_messages()) *got.Add() = std::move(m);
  context.TryCancel();
  const auto status = reader->Finish();
  if (!status.ok() && status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED &&
      status.error_code() != grpc::StatusCode::CANCELLED)
    return error_response(http_status_of(status), status.error_message());
  return json_response({{"channel", channel}, {"messages", messages_json(got, 0, limit)}});
}

ApiResponse send(const std::string& channel, const ApiRequest& request, v1::Broker::StubInterface& daemon) {
  Message message;
  std::string error;
  std::string_view line = request.body;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!parse_envelope(line, message, error)) return error_response(400, "the body is not an envelope: " + error);
  message.channel = channel;
  v1::SendRequest q;
  to_proto(message, q.add_messages());
  v1::SendResponse r;
  grpc::ClientContext context;
  const auto status = daemon.Send(with_deadline(context, std::chrono::seconds(10), request), q, &r);
  if (!status.ok()) return error_response(http_status_of(status), status.error_message());
  if (r.results_size() != 1) return error_response(500, "the daemon answered no result");
  const auto& result = r.results(0);
  if (!result.error().empty()) return error_response(400, result.error());
  return json_response({{"id", result.id()}, {"channel", channel}, {"seq", result.seq()}});
}

ApiResponse purge(const std::string& channel, const ApiRequest& request, v1::Broker::StubInterface& daemon) {
  v1::PurgeRequest q;
  q.set_channel(channel);
  v1::PurgeResponse r;
  grpc::ClientContext context;
  const auto status = daemon.Purge(with_deadline(context, std::chrono::seconds(10), request), q, &r);
  if (!status.ok()) return error_response(http_status_of(status), status.error_message());
  return json_response({{"channel", channel}, {"purged", r.purged()}});
}

ApiResponse with_snapshot(v1::Broker::StubInterface& daemon, const ApiRequest& request,
                          const std::function<ApiResponse(const Snapshot&)>& render) {
  try {
    return render(take_snapshot(daemon, request.authorization));
  } catch (const CallerRefused& e) {
    return error_response(e.unauthenticated ? 401 : 403, e.what());
  } catch (const Error& e) {
    return error_response(503, e.what());
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  for (size_t k = 0; k < in.size(); ++k) {
    if (in[k] == '%') {
      if (k + 2 >= in.size()) return false;
      const int hi = hex_value(in[k + 1]), lo = hex_value(in[k + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      k += 2;
    } else if (in[k] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += in[k];
    }
  }
  return true;
}

}  // namespace

bool split_target(const std::string& target, ApiRequest& request) {
  if (target.empty() || target[0] != '/') return false;
  const auto question = target.find('?');
  const std::string_view path = std::string_view(target).substr(0, question);
  request.segments.clear();
  request.query.clear();
  size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto piece = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!piece.empty()) {
      std::string decoded;
      if (!percent_decode(piece, decoded, false)) return false;
      request.segments.push_back(std::move(decoded));
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (question == std::string::npos) return true;
  std::string_view rest = std::string_view(target).substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    std::string key, value;
    if (!percent_decode(pair.substr(0, eq), key, true)) return false;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) return false;
    if (!key.empty()) request.query[key] = value;
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return true;
}

ApiResponse handle_api(const ApiRequest& request, v1::Broker::StubInterface& daemon, const RequestMetrics& requests) {
  const auto& seg = request.segments;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  const auto method_not_allowed = [&] { return error_response(405, request.method + " is not allowed here"); };

  // The page and its assets.
  if (seg.empty() || (seg.size() == 1 && find_asset(seg[0]))) {
    if (!get) return method_not_allowed();
    const Asset* asset = find_asset(seg.empty() ? "index.html" : seg[0]);
    return {200, std::string(asset->content_type), std::string(asset->body)};
  }
  if (seg.size() == 1 && seg[0] == "healthz") {
    if (!get) return method_not_allowed();
    return {200, "text/plain; charset=utf-8", "ok\n"};
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    if (!get) return method_not_allowed();
    v1::PingResponse r;
    grpc::ClientContext context;
    const auto status = daemon.Ping(with_deadline(context, std::chrono::seconds(2), request), v1::PingRequest{}, &r);
    // a refusal is an answer too: readiness needs no identity
    const bool answered = status.ok() || status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
                          status.error_code() == grpc::StatusCode::PERMISSION_DENIED;
    if (!answered) return {503, "text/plain; charset=utf-8", "not ready: " + status.error_message() + "\n"};
    return {200, "text/plain; charset=utf-8", "ready\n"};
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    if (!get) return method_not_allowed();
    return with_snapshot(daemon, request, [&](const Snapshot& s) {
      return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", prometheus_text(s, requests)};
    });
  }
  if (seg[0] != "api") return error_response(404, "no such page");
  if (seg.size() == 2) {
    if (!get) return method_not_allowed();
    using Render = nlohmann::ordered_json (*)(const Snapshot&);
    Render render = nullptr;
    if (seg[1] == "overview") render = overview_json;
    else if (seg[1] == "channels") render = channels_json;
    else if (seg[1] == "links") render = links_json;
    else if (seg[1] == "rules") render = rules_json;
    else if (seg[1] == "snapshot") render = snapshot_json;
    if (!render) return error_response(404, "no such API: /api/" + seg[1]);
    return with_snapshot(daemon, request, [&](const Snapshot& s) { return json_response(render(s)); });
  }
  if (seg.size() == 4 && seg[1] == "channels") {
    const std::string& channel = seg[2];
    if (seg[3] == "messages") {
      if (get) return browse(channel, request, daemon);
      if (post) return send(channel, request, daemon);
      return method_not_allowed();
    }
    if (seg[3] == "purge") return post ? purge(channel, request, daemon) : method_not_allowed();
    if (seg[3] == "replay") return get ? replay(channel, request, daemon) : method_not_allowed();
  }
  return error_response(404, "no such API");
}

}  // namespace gsmq::dashboard
