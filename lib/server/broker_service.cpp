#include "server/broker_service.h"

#include <future>
#include <thread>

#include "server/disk_space.h"
#include "server/message_validation.h"
#include "store/sync_latency.h"
#include "util/log.h"

namespace gsmq::server {
namespace {

using grpc::Status;
using grpc::StatusCode;

std::vector<v1::Message> take_messages(google::protobuf::RepeatedPtrField<v1::Message>* field) {
  std::vector<v1::Message> out;
  out.reserve(static_cast<size_t>(field->size()));
  for (auto& m : *field) out.push_back(std::move(m));
  return out;
}

// Refusals for lack of room (a full channel or disk) map to RESOURCE_EXHAUSTED for unary
// sends, so a client sees a clear gRPC status; per-message errors travel in
// SendResult.error otherwise.
Status batch_status(const std::vector<v1::SendResult>& results) {
  for (const auto& r : results)
    if (is_room_refusal(r.error())) return Status(StatusCode::RESOURCE_EXHAUSTED, r.error());
  return Status::OK;
}

// A unary call's batch is taken whole or not at all: the first message that breaks the
// envelope's rules refuses the call, naming the message and the field.
template <typename Messages>
Status check_messages(const Messages& messages) {
  for (int i = 0; i < messages.size(); ++i)
    if (std::string why = invalid_field(messages[i]); !why.empty())
      return Status(StatusCode::INVALID_ARGUMENT, "message " + std::to_string(i + 1) + ": " + why);
  return Status::OK;
}

// Runs a sending call and waits for its results (durable per --fsync).
template <typename Call>
std::vector<v1::SendResult> wait_for(Call call) {
  std::promise<std::vector<v1::SendResult>> promise;
  auto future = promise.get_future();
  call([&promise](std::vector<v1::SendResult> results) { promise.set_value(std::move(results)); });
  return future.get();
}

// A bidi stream of batches: the reading thread submits, a writer thread answers as the
// batches commit (out of order across channels; batch_id pairs them up). When gsmqd is
// stopping, the stream is ended once every batch taken so far has been answered.
//
// Commits complete on the committer's thread, possibly after the client went away and
// this handler returned: what their callbacks touch (the answers and the count of
// unanswered batches) is owned jointly by the handler and every pending callback, never
// by the handler's stack, and answering a stream that has ended is a no-op.
template <typename Response>
struct StreamAnswers {
  Mailbox<Response> answers{1u << 20};
  std::atomic<uint64_t> outstanding{0};
};

template <typename Request, typename Response, typename Submit>
Status pipelined_stream(grpc::ServerContext* context, grpc::ServerReaderWriter<Response, Request>* stream,
                        const std::atomic<bool>& stopping, Submit submit) {
  auto shared = std::make_shared<StreamAnswers<Response>>();
  std::thread writer([&context, &stream, &stopping, state = shared.get()] {
    std::vector<Response> batch;
    bool cancelled = false;
    for (;;) {
      batch.clear();
      if (!state->answers.pop(batch, 64, Clock::now() + std::chrono::milliseconds(100))) break;
      for (auto& r : batch) {
        stream->Write(r);  // false once the client is gone: the answer has nobody to go to
        --state->outstanding;
      }
      if (stopping.load() && state->outstanding.load() == 0 && !cancelled) {
        context->TryCancel();  // ends the blocked Read; the client sees the stream end
        cancelled = true;
      }
    }
  });
  Request request;
  while (stream->Read(&request)) {
    ++shared->outstanding;
    const uint64_t batch_id = request.batch_id();
    submit(request, [shared, batch_id](std::vector<v1::SendResult> results) {
      Response response;
      response.set_batch_id(batch_id);
      for (auto& r : results) *response.add_results() = std::move(r);
      if (!shared->answers.push(std::move(response))) --shared->outstanding;  // stream over
    });
  }
  // The client half-closed: answer everything still committing, then end. A cancelled
  // stream ends at once; its batches still commit, and their answers are dropped.
  while (shared->outstanding.load() > 0 && !context->IsCancelled())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  shared->answers.close();
  writer.join();
  return Status::OK;
}

// The channel of a Receive, Purge or events-store Subscribe: INVALID_ARGUMENT when it
// cannot name a stored channel.
Status check_stored_channel(const std::string& channel) {
  if (channel.empty()) return Status(StatusCode::INVALID_ARGUMENT, "channel is required");
  const std::string why = channel_name_error(channel);
  return why.empty() ? Status::OK : Status(StatusCode::INVALID_ARGUMENT, why);
}

// Runs a handler's body; an exception (a channel that cannot be opened, say) becomes an
// INTERNAL status for this call instead of ending gsmqd.
template <typename Body>
Status guarded(const char* call, Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    log::error("call failed", {{"call", call}, {"error", e.what()}});
    return Status(StatusCode::INTERNAL, e.what());
  }
}

}  // namespace

BrokerService::BrokerService(Broker& broker) : broker_(broker) {}

Status BrokerService::caller(const grpc::ServerContext* context, std::string& identity) const {
  if (admit_connection_)
    if (Status over = admit_connection_(*context); !over.ok()) return over;
  identity = kAnonymous;
  if (!access_) return Status::OK;
  return access_->authenticate(*context, identity);
}

Status BrokerService::permit(const std::string& identity, Operation operation, std::string_view channel) const {
  if (!access_ || access_->allows(identity, operation, channel)) return Status::OK;
  std::string why = "\"" + identity + "\" may not " + std::string(policy::to_string(operation));
  if (!channel.empty()) why += " on channel \"" + std::string(channel) + "\"";
  return Status(StatusCode::PERMISSION_DENIED, why + " (gsmqd --acl)");
}

Status BrokerService::admit(const grpc::ServerContext* context, Operation operation, std::string_view channel) const {
  if (!access_ && !admit_connection_) return Status::OK;
  std::string identity;
  if (Status s = caller(context, identity); !s.ok()) return s;
  return permit(identity, operation, channel);
}

Status BrokerService::within_rate(const grpc::ServerContext* context, size_t count) const {
  if (!rate_limits_ || count == 0) return Status::OK;
  std::string identity;
  if (Status who = caller(context, identity); !who.ok()) return who;
  const policy::RateLimit* limit = nullptr;
  if (rate_limits_->admit(identity, count, true, limit) == count) return Status::OK;
  return Status(StatusCode::RESOURCE_EXHAUSTED, policy::rate_limit_refusal(identity, *limit));
}

void BrokerService::submit_permitted(
    const grpc::ServerContext* context, Operation operation, std::vector<v1::Message> messages,
    std::function<void(std::vector<v1::SendResult>)> done,
    const std::function<void(std::vector<v1::Message>, std::function<void(std::vector<v1::SendResult>)>)>& submit)
    const {
  if (!access_ && !admit_connection_ && !rate_limits_) return submit(std::move(messages), std::move(done));
  std::string identity;
  const Status who = caller(context, identity);
  std::vector<std::optional<v1::SendResult>> refused(messages.size());
  std::vector<v1::Message> permitted;
  auto refuse = [&](size_t k, const std::string& why, bool permission) {
    v1::SendResult r;
    r.set_id(messages[k].id());
    r.set_channel(messages[k].channel());
    r.set_error(why);
    r.set_refused(permission);
    refused[k] = std::move(r);
  };
  std::vector<size_t> allowed;
  for (size_t k = 0; k < messages.size(); ++k) {
    Status s = who.ok() ? permit(identity, operation, messages[k].channel()) : who;
    // A connection over --max-connections is not a permission refusal: try again later.
    if (s.ok()) allowed.push_back(k);
    else refuse(k, s.error_message(), s.error_code() != StatusCode::RESOURCE_EXHAUSTED);
  }
  // Over the caller's rate limit: the first ones the bucket holds go, the rest fail
  // (not stored, so nothing accepted is lost); the stream goes on.
  size_t granted = allowed.size();
  const policy::RateLimit* limit = nullptr;
  if (rate_limits_) granted = rate_limits_->admit(identity, allowed.size(), false, limit);
  for (size_t a = 0; a < allowed.size(); ++a) {
    if (a < granted) permitted.push_back(std::move(messages[allowed[a]]));
    else refuse(allowed[a], policy::rate_limit_refusal(identity, *limit), false);
  }
  auto merge = [refused = std::move(refused), done = std::move(done)](std::vector<v1::SendResult> got) mutable {
    std::vector<v1::SendResult> out;
    size_t next = 0;
    for (auto& r : refused) out.push_back(r ? std::move(*r) : std::move(got[next++]));
    done(std::move(out));
  };
  if (permitted.empty()) return merge({});
  submit(std::move(permitted), std::move(merge));
}

Status BrokerService::Send(grpc::ServerContext* context, const v1::SendRequest* request, v1::SendResponse* response) {
  if (Status bad = check_messages(request->messages()); !bad.ok()) return bad;
  for (const auto& m : request->messages())
    if (Status refused = admit(context, Operation::send, m.channel()); !refused.ok()) return refused;
  if (Status over = within_rate(context, static_cast<size_t>(request->messages_size())); !over.ok()) return over;
  auto messages = take_messages(const_cast<v1::SendRequest*>(request)->mutable_messages());
  const bool compact = request->compact_results();
  auto results = wait_for([&](auto done) { broker_.send(std::move(messages), std::move(done), compact); });
  response->set_batch_id(request->batch_id());
  const Status status = batch_status(results);
  for (auto& r : results) *response->add_results() = std::move(r);
  return status;
}

Status BrokerService::SendStream(grpc::ServerContext* context,
                                 grpc::ServerReaderWriter<v1::SendResponse, v1::SendRequest>* stream) {
  return pipelined_stream(context, stream, stopping_, [this, context](v1::SendRequest& request, auto done) {
    submit_permitted(context, Operation::send, take_messages(request.mutable_messages()), std::move(done),
                     [this, compact = request.compact_results()](std::vector<v1::Message> m, auto d) {
                       broker_.send(std::move(m), std::move(d), compact);
                     });
  });
}

Status BrokerService::Receive(grpc::ServerContext* context, const v1::ReceiveRequest* request,
                              v1::ReceiveResponse* response) {
  if (Status bad = check_stored_channel(request->channel()); !bad.ok()) return bad;
  if (Status refused = admit(context, Operation::receive, request->channel()); !refused.ok()) return refused;
  DurableQueue::ReceiveRequest r;
  r.max = std::max<uint32_t>(1, request->max_messages());
  r.deadline = Clock::now() + std::chrono::milliseconds(request->wait_ms());
  r.visibility = std::chrono::milliseconds(request->visibility_ms());
  r.peek = request->peek();
  r.from_seq = request->from_seq();
  r.auto_ack = request->auto_ack();
  r.cancelled = [this, context] { return stopping_.load() || context->IsCancelled(); };
  return guarded("Receive", [&] {
    // Each message goes out as the bytes it is stored as, plus the fields set on the way
    // out, written as the response's field 1 (`messages`) kept as an unknown field: on
    // the wire that is what a parsed and encoded Message would be, without building one
    // (server/hand_out_wire.h; half of gsmqd's instructions per message received).
    auto* wire = response->GetReflection()->MutableUnknownFields(response);
    broker_.queue(request->channel()).receive_encoded(
        r, [wire] { return wire->AddLengthDelimited(v1::ReceiveResponse::kMessagesFieldNumber); });
    return Status::OK;
  });
}

Status BrokerService::Settle(grpc::ServerContext* context, const v1::SettleRequest* request,
                             v1::SettleResponse* response) {
  // A receipt names its channel after '@': settling is receiving; requeueing, sending too.
  for (const auto& s : request->settlements()) {
    const auto at = s.receipt().find('@');
    const std::string channel = at == std::string::npos ? "" : s.receipt().substr(at + 1);
    if (Status refused = admit(context, Operation::receive, channel); !refused.ok()) return refused;
    if (s.action() == v1::SETTLE_REQUEUE && !s.requeue_channel().empty())
      if (Status refused = admit(context, Operation::send, s.requeue_channel()); !refused.ok()) return refused;
  }
  for (auto& e : broker_.settle(request->settlements())) response->add_errors(std::move(e));
  return Status::OK;
}

Status BrokerService::Purge(grpc::ServerContext* context, const v1::PurgeRequest* request,
                            v1::PurgeResponse* response) {
  if (Status bad = check_stored_channel(request->channel()); !bad.ok()) return bad;
  if (Status refused = admit(context, Operation::admin, request->channel()); !refused.ok()) return refused;
  return guarded("Purge", [&] {
    response->set_purged(broker_.queue(request->channel()).purge());
    return Status::OK;
  });
}

Status BrokerService::Publish(grpc::ServerContext* context, const v1::PublishRequest* request,
                              v1::PublishResponse* response) {
  if (Status bad = check_messages(request->messages()); !bad.ok()) return bad;
  for (const auto& m : request->messages())
    if (Status refused = admit(context, Operation::publish, m.channel()); !refused.ok()) return refused;
  if (Status over = within_rate(context, static_cast<size_t>(request->messages_size())); !over.ok()) return over;
  auto messages = take_messages(const_cast<v1::PublishRequest*>(request)->mutable_messages());
  const bool compact = request->compact_results();
  auto results = wait_for(
      [&](auto done) { broker_.publish(request->kind(), std::move(messages), std::move(done), compact); });
  response->set_batch_id(request->batch_id());
  for (auto& r : results) *response->add_results() = std::move(r);
  return Status::OK;
}

Status BrokerService::PublishStream(grpc::ServerContext* context,
                                    grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  return pipelined_stream(context, stream, stopping_, [this, context](v1::PublishRequest& request, auto done) {
    const auto kind = request.kind();
    submit_permitted(context, Operation::publish, take_messages(request.mutable_messages()), std::move(done),
                     [this, kind, compact = request.compact_results()](std::vector<v1::Message> m, auto d) {
                       broker_.publish(kind, std::move(m), std::move(d), compact);
                     });
  });
}

Status BrokerService::Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                                grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  if (request->channel().empty()) return Status(StatusCode::INVALID_ARGUMENT, "channel is required");
  if (Status refused = admit(context, Operation::subscribe, request->channel()); !refused.ok()) return refused;
  // After an ACL reload the subscription is checked again, and ended if no longer allowed.
  uint64_t generation = access_ ? access_->generation() : 0;
  auto still_allowed = [&]() -> Status {
    if (!access_ || access_->generation() == generation) return Status::OK;
    generation = access_->generation();
    return admit(context, Operation::subscribe, request->channel());
  };
  constexpr size_t kBatch = 256;
  const auto slice = std::chrono::milliseconds(100);  // how often a quiet stream checks for cancellation
  const Status stopped(StatusCode::UNAVAILABLE, "gsmqd is shutting down");
  if (request->kind() == v1::EVENTS) {
    auto mailbox = broker_.subscribe_events(request->channel(), request->group());
    std::vector<v1::Message> batch;
    while (!context->IsCancelled()) {
      if (stopping_.load()) {
        broker_.unsubscribe_events(request->channel(), request->group(), mailbox.get());
        return stopped;
      }
      if (Status refused = still_allowed(); !refused.ok()) {
        broker_.unsubscribe_events(request->channel(), request->group(), mailbox.get());
        return refused;
      }
      batch.clear();
      mailbox->pop(batch, kBatch, Clock::now() + slice);
      if (batch.empty()) continue;
      v1::SubscribeResponse response;
      for (auto& m : batch) *response.add_messages() = std::move(m);
      if (!writer->Write(response)) break;
    }
    broker_.unsubscribe_events(request->channel(), request->group(), mailbox.get());
    return Status::OK;
  }
  if (Status bad = check_stored_channel(request->channel()); !bad.ok()) return bad;
  EventStore* opened = nullptr;
  if (Status failed = guarded("Subscribe", [&] {
        opened = &broker_.store(request->channel());
        return Status::OK;
      });
      !failed.ok())
    return failed;
  EventStore& channel = *opened;
  auto cursor = channel.cursor(request->group(), channel.start_seq(*request));
  ++channel.subscriber_count();
  while (!context->IsCancelled()) {
    if (stopping_.load()) {
      --channel.subscriber_count();
      return stopped;
    }
    if (Status refused = still_allowed(); !refused.ok()) {
      --channel.subscriber_count();
      return refused;
    }
    auto batch = channel.read(*cursor, kBatch, Clock::now() + slice);
    if (batch.empty()) continue;
    v1::SubscribeResponse response;
    for (auto& m : batch) *response.add_messages() = std::move(m);
    if (!writer->Write(response)) break;
  }
  --channel.subscriber_count();
  return Status::OK;
}

Status BrokerService::Request(grpc::ServerContext* context, const v1::RequestMessage* request, v1::ReplyMessage* reply) {
  if (request->message().channel().empty()) return Status(StatusCode::INVALID_ARGUMENT, "channel is required");
  if (Status refused = admit(context, Operation::request, request->message().channel()); !refused.ok()) return refused;
  if (std::string why = invalid_field(request->message()); !why.empty()) return Status(StatusCode::INVALID_ARGUMENT, why);
  const auto timeout = std::chrono::milliseconds(request->timeout_ms() > 0 ? request->timeout_ms() : 5000);
  *reply = broker_.requests().request(request->message(), timeout);
  return Status::OK;
}

Status BrokerService::Respond(grpc::ServerContext* context,
                              grpc::ServerReaderWriter<v1::RespondResponse, v1::RespondRequest>* stream) {
  v1::RespondRequest first;
  if (!stream->Read(&first) || !first.has_subscribe() || first.subscribe().channel().empty())
    return Status(StatusCode::INVALID_ARGUMENT, "the first frame must subscribe to a channel");
  const auto channel = first.subscribe().channel();
  const auto group = first.subscribe().group();
  if (Status refused = admit(context, Operation::respond, channel); !refused.ok()) return refused;
  auto responder = broker_.requests().add_responder(channel, group);
  std::thread writer([&] {
    std::vector<v1::RespondResponse> batch;
    while (!context->IsCancelled()) {
      if (stopping_.load()) {
        context->TryCancel();  // ends the blocked Read below
        break;
      }
      batch.clear();
      if (!responder->requests.pop(batch, 64, Clock::now() + std::chrono::milliseconds(100))) break;
      for (auto& r : batch) stream->Write(r);
    }
  });
  v1::RespondRequest frame;
  while (stream->Read(&frame)) {
    if (!frame.has_reply()) continue;
    if (std::string why = invalid_field(frame.reply().message()); !why.empty()) {
      // The requester is told, instead of getting a reply that breaks the envelope.
      v1::RespondReply refused;
      refused.set_request_id(frame.reply().request_id());
      refused.set_error("the responder's reply was refused: " + why);
      broker_.requests().reply(refused);
      continue;
    }
    broker_.requests().reply(frame.reply());
  }
  broker_.requests().remove_responder(channel, group, responder.get());
  responder->requests.close();
  writer.join();
  return Status::OK;
}

Status BrokerService::ListChannels(grpc::ServerContext* context, const v1::ListChannelsRequest*,
                                   v1::ListChannelsResponse* response) {
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  for (auto& c : broker_.list_channels()) *response->add_channels() = std::move(c);
  return Status::OK;
}

Status BrokerService::StoreStats(grpc::ServerContext* context, const v1::StoreStatsRequest*,
                                 v1::StoreStatsResponse* response) {
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  const store::SyncLatency syncs = store::sync_latency();
  response->set_fsync(std::string(store::to_string(broker_.options().fsync)));
  for (double bound : store::kSyncLatencyBounds) response->add_sync_bounds_s(bound);
  for (uint64_t n : syncs.buckets) response->add_sync_buckets(n);
  response->set_syncs(syncs.count);
  response->set_sync_seconds(syncs.sum_seconds);
  return Status::OK;
}

Status BrokerService::Ping(grpc::ServerContext* context, const v1::PingRequest*, v1::PingResponse* response) {
  std::string identity;  // any caller who is let in may ping
  if (Status refused = caller(context, identity); !refused.ok()) return refused;
  response->set_version(GSMQ_VERSION);
  response->set_uptime_us(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count());
  response->set_data_dir(broker_.options().data_dir.string());
  response->set_name(name_);
  response->set_role(role_);
  if (count_connections_) response->set_connections(count_connections_());
  return Status::OK;
}

Status BrokerService::ListLinks(grpc::ServerContext* context, const v1::ListLinksRequest*,
                                v1::ListLinksResponse* response) {
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  if (links_) *response = links_();
  return Status::OK;
}

Status BrokerService::ListRules(grpc::ServerContext* context, const v1::ListRulesRequest*,
                                v1::ListRulesResponse* response) {
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  if (list_rules_) *response = list_rules_();
  return Status::OK;
}

Status BrokerService::ReloadRules(grpc::ServerContext* context, const v1::ReloadRulesRequest*,
                                  v1::ReloadRulesResponse* response) {
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  if (!reload_rules_) return Status(grpc::StatusCode::FAILED_PRECONDITION, "this gsmqd runs without --rules");
  *response = reload_rules_();
  return Status::OK;
}

Status BrokerService::ReloadAccess(grpc::ServerContext* context, const v1::ReloadAccessRequest*,
                                   v1::ReloadAccessResponse* response) {
  if (!reload_access_) return Status(StatusCode::FAILED_PRECONDITION, "this gsmqd runs without --acl or --tokens");
  if (Status refused = admit(context, Operation::admin, ""); !refused.ok()) return refused;
  *response = reload_access_();
  return Status::OK;
}

}  // namespace gsmq::server
