// coap:// listening: a CoAP server taking POST and PUT on the URL's path and below it.
// Each request becomes one message; it is answered (2.01 Created for POST, 2.04 Changed
// for PUT) only once the sink confirmed it, 5.03 when the sink refused it. A confirmable
// request is ACKed at once (empty ACK) and answered with a separate response (libcoap
// async), so a slow sink never makes the device retransmit.
#include <map>

#include "endpoint/coap/ingest_source.h"
#include "endpoint/coap/address.h"
#include "endpoint/coap/loop.h"
#include "endpoint/coap/mapping.h"
#include "endpoint/coap/pdu_text.h"
#include "endpoint/coap/security.h"
#include "endpoint/inbox.h"

namespace gsmq::endpoint::coap {
namespace {

constexpr auto kCloseTimeout = std::chrono::seconds(5);

class IngestSource : public Source {
 public:
  IngestSource(const Settings& settings, const EndpointOptions& options)
      : settings_(settings), options_(with_diagnostics(options, fallback_diagnostics_)), loop_(std::make_unique<Loop>(options_.diagnostics)) {
    loop_->call([&](coap_context_t* ctx) { start(ctx); });
  }

  ~IngestSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    switch (ready_.take(out, deadline)) {
      case Inbox<Delivery>::Taken::item: return Status::message;
      case Inbox<Delivery>::Taken::timeout: return Status::timeout;
      case Inbox<Delivery>::Taken::stopped: return Status::stopped;
      case Inbox<Delivery>::Taken::closed: return Status::end;
    }
    return Status::end;
  }

  void ack(uint64_t tag) override { answer(tag, true); }
  void reject(uint64_t tag) override { answer(tag, false); }

  void close() override {
    if (closed_.exchange(true)) return;
    // Requests not taken yet are refused (5.03), so their devices know to send again.
    for (const auto& d : ready_.close()) answer(d.tag, false);
    loop_->call([&](coap_context_t*) {
      for (auto& [tag, p] : pending_)
        if (!p.answered) complete(tag, false);
    });
    loop_->wait_until([&](coap_context_t* ctx) { return pending_.empty() && coap_can_exit(ctx); },
                      Clock::now() + kCloseTimeout);
    if (const auto n = loop_->malformed())
      options_.diagnostics->warn("coap: " + std::to_string(n) + " malformed CoAP packets were discarded");
  }

 private:
  struct Pending {
    coap_session_t* session = nullptr;  // referenced while pending
    std::string token;
    bool put = false;
    bool answered = false;
    bool ok = false;
  };

  // Loop thread: binds the endpoint and registers the resources.
  void start(coap_context_t* ctx) {
    coap_set_app_data(ctx, this);
    const coap_proto_t proto = setup_server_security(ctx, settings_);
    const coap_address_t address = resolve_address(settings_.host, settings_.port);
    if (std::string error; !udp_address_free(address, error))
      throw Error(ErrorKind::unavailable, settings_.url + ": cannot listen on " + address_text(address) + ": " + error);
    if (!coap_new_endpoint(ctx, &address, proto))
      throw Error(ErrorKind::unavailable, settings_.url + ": cannot listen on " + address_text(address) +
                                            " (address in use, or not a local address?)");
    // The base path as a resource of its own (it shows in /.well-known/core), and the
    // unknown-resource handler for everything below it.
    const auto segments = split_path(settings_.path);
    std::string base;
    for (const auto& s : segments) base += (base.empty() ? "" : "/") + s;
    coap_resource_t* resource = nullptr;
    if (base.empty()) {
      resource = coap_resource_init(nullptr, 0);
    } else {
      coap_str_const_t* uri = coap_new_str_const(reinterpret_cast<const uint8_t*>(base.data()), base.size());
      resource = coap_resource_init(uri, COAP_RESOURCE_FLAGS_RELEASE_URI);
    }
    coap_register_request_handler(resource, COAP_REQUEST_POST, on_request);
    coap_register_request_handler(resource, COAP_REQUEST_PUT, on_request);
    coap_add_resource(ctx, resource);
    coap_resource_t* below = coap_resource_unknown_init2(on_request, 0);
    coap_register_request_handler(below, COAP_REQUEST_POST, on_request);
    coap_add_resource(ctx, below);
  }

  static void on_request(coap_resource_t*, coap_session_t* session, const coap_pdu_t* request,
                         const coap_string_t*, coap_pdu_t* response) {
    auto* self = static_cast<IngestSource*>(coap_get_app_data(coap_session_get_context(session)));
    self->handle(session, request, response);
  }

  // Loop thread: a new request, or the second call for one whose answer is ready.
  void handle(coap_session_t* session, const coap_pdu_t* request, coap_pdu_t* response) {
    const coap_bin_const_t token = coap_pdu_get_token(request);
    if (coap_async_t* async = coap_find_async(session, token)) {
      const auto tag = reinterpret_cast<uintptr_t>(coap_async_get_app_data(async));
      const auto it = pending_.find(tag);
      const bool ok = it != pending_.end() && it->second.ok;
      const bool put = it != pending_.end() && it->second.put;
      if (it != pending_.end()) {
        coap_session_release(it->second.session);
        pending_.erase(it);
      }
      if (ok) {
        coap_pdu_set_code(response, put ? COAP_RESPONSE_CODE_CHANGED : COAP_RESPONSE_CODE_CREATED);
      } else {
        refuse(response, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "not delivered; send again");
      }
      return;  // libcoap removes the async entry
    }

    const auto below = path_below(settings_.path, uri_path_of(request));
    if (!below) return refuse(response, COAP_RESPONSE_CODE_NOT_FOUND, "not an ingest path");
    const std::string query = uri_query_of(request);
    const std::string channel = ingest_channel(query_value(query, "channel"), *below, settings_.channel);
    if (closed_) return refuse(response, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "shutting down");
    if (pending_.size() >= settings_.max_pending)
      return refuse(response, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "too many requests in flight");

    Message m;
    std::string body = body_of(request);
    if (body.size() > options_.limits.max_body_bytes)
      return refuse(response, COAP_RESPONSE_CODE_REQUEST_TOO_LARGE, "body larger than --max-body");
    if (settings_.envelope) {
      std::string error;
      if (!parse_envelope(body, m, error, options_.limits)) {
        options_.diagnostics->warn("coap: a request to /" + uri_path_of(request) + " is not a JSON envelope: " + error);
        return refuse(response, COAP_RESPONSE_CODE_BAD_REQUEST, "not a JSON envelope: " + error);
      }
      if (m.channel.empty()) m.channel = channel;
    } else {
      m.channel = channel;
      m.body = std::move(body);
    }
    const bool put = coap_pdu_get_code(request) == COAP_REQUEST_CODE_PUT;
    m.meta["coap.method"] = put ? "PUT" : "POST";
    m.meta["coap.type"] = coap_pdu_get_type(request) == COAP_MESSAGE_CON ? "con" : "non";
    const auto cf = uint_option(request, COAP_OPTION_CONTENT_FORMAT);
    if (cf) m.meta["coap.content-format"] = std::to_string(*cf);
    if (!settings_.envelope) m.body_is_json = body_is_json(cf, m.body);
    if (!query.empty()) m.meta["coap.query"] = query;
    m.meta["coap.peer"] = address_text(*coap_session_get_addr_remote(session));
    stamp(m);

    const uint64_t tag = ++next_tag_;
    coap_async_t* async = coap_register_async(session, request, 0);
    if (!async) return refuse(response, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "cannot hold the request");
    coap_async_set_app_data(async, reinterpret_cast<void*>(static_cast<uintptr_t>(tag)));
    pending_[tag] = Pending{coap_session_reference(session), token_of(request), put, false, false};
    if (!ready_.push(Delivery{std::move(m), tag})) complete(tag, false);  // closing: 5.03
    // No response code: libcoap sends an empty ACK for a confirmable request.
  }

  static void refuse(coap_pdu_t* response, coap_pdu_code_t code, const std::string& why) {
    coap_pdu_set_code(response, code);
    coap_add_data(response, why.size(), reinterpret_cast<const uint8_t*>(why.data()));
  }

  // Any thread: the sink's verdict on delivery `tag`.
  void answer(uint64_t tag, bool ok) {
    loop_->post([this, tag, ok](coap_context_t*) { complete(tag, ok); });
  }

  // Loop thread: let libcoap call the handler again, which answers.
  void complete(uint64_t tag, bool ok) {
    const auto it = pending_.find(tag);
    if (it == pending_.end() || it->second.answered) return;
    Pending& p = it->second;
    p.answered = true;
    p.ok = ok;
    const coap_bin_const_t token{p.token.size(), reinterpret_cast<const uint8_t*>(p.token.data())};
    if (coap_async_t* async = coap_find_async(p.session, token)) {
      coap_async_trigger(async);
    } else {  // the device's session is gone: nobody to answer
      coap_session_release(p.session);
      pending_.erase(it);
    }
  }

  Diagnostics fallback_diagnostics_;
  Settings settings_;
  EndpointOptions options_;
  std::atomic<bool> closed_{false};
  // Loop thread only.
  std::map<uint64_t, Pending> pending_;
  uint64_t next_tag_ = 0;
  Inbox<Delivery> ready_;  // to the pump thread
  std::unique_ptr<Loop> loop_;  // last: stopped first, before the state its handlers use
};

}  // namespace

std::unique_ptr<Source> open_ingest_source(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<IngestSource>(settings, options);
}

}  // namespace gsmq::endpoint::coap
