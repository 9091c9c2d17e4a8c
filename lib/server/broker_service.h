// The gRPC face of the Broker: gsmq.v1.Broker (proto/gsmq/v1/broker.proto).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "gsmq/v1/broker.grpc.pb.h"
#include "policy/rate_limit.h"
#include "server/access.h"
#include "server/broker.h"

namespace gsmq::server {

class BrokerService final : public v1::Broker::Service {
 public:
  explicit BrokerService(Broker& broker);

  // gsmqd is stopping: long polls return, subscriptions end with UNAVAILABLE, responder
  // streams and send streams end (the latter once every batch read so far was answered),
  // so that grpc::Server::Shutdown need not wait for its deadline.
  void shutdown() { stopping_ = true; }

  // A federated daemon's name and role (Ping says them) and its links (ListLinks); set
  // before serving. Without, Ping leaves them empty and ListLinks lists none.
  void set_federation(std::string name, std::string role, std::function<v1::ListLinksResponse()> links) {
    name_ = std::move(name);
    role_ = std::move(role);
    links_ = std::move(links);
  }

  // The rules in force (gsmqd --rules): their counters (ListRules) and reloading them
  // (ReloadRules); set before serving. Without, ListRules lists none and ReloadRules
  // answers that there are none.
  void set_rules(std::function<v1::ListRulesResponse()> list, std::function<v1::ReloadRulesResponse()> reload) {
    list_rules_ = std::move(list);
    reload_rules_ = std::move(reload);
  }

  // Who may do what (gsmqd --tokens, --acl, client certificates), and reloading its files
  // (ReloadAccess); set before serving. Without, every call is allowed.
  void set_access(const AccessControl* access, std::function<v1::ReloadAccessResponse()> reload) {
    access_ = access;
    reload_access_ = std::move(reload);
  }

  // The connection limit (gsmqd --max-connections): `admit` says whether a call's
  // connection is served (empty: every one is); `count` how many are open (Ping). Set
  // before serving.
  void set_connections(std::function<grpc::Status(const grpc::ServerContext&)> admit, std::function<uint64_t()> count) {
    admit_connection_ = std::move(admit);
    count_connections_ = std::move(count);
  }

  // Per-identity message-rate limits (gsmqd --rate-limit) on Send, SendStream, Publish
  // and PublishStream; set before serving. Without, senders are not limited.
  void set_rate_limits(policy::RateLimits* limits) { rate_limits_ = limits; }

  grpc::Status Send(grpc::ServerContext*, const v1::SendRequest*, v1::SendResponse*) override;
  grpc::Status SendStream(grpc::ServerContext*, grpc::ServerReaderWriter<v1::SendResponse, v1::SendRequest>*) override;
  grpc::Status Receive(grpc::ServerContext*, const v1::ReceiveRequest*, v1::ReceiveResponse*) override;
  grpc::Status Settle(grpc::ServerContext*, const v1::SettleRequest*, v1::SettleResponse*) override;
  grpc::Status Purge(grpc::ServerContext*, const v1::PurgeRequest*, v1::PurgeResponse*) override;
  grpc::Status Publish(grpc::ServerContext*, const v1::PublishRequest*, v1::PublishResponse*) override;
  grpc::Status PublishStream(grpc::ServerContext*,
                             grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>*) override;
  grpc::Status Subscribe(grpc::ServerContext*, const v1::SubscribeRequest*,
                         grpc::ServerWriter<v1::SubscribeResponse>*) override;
  grpc::Status Request(grpc::ServerContext*, const v1::RequestMessage*, v1::ReplyMessage*) override;
  grpc::Status Respond(grpc::ServerContext*, grpc::ServerReaderWriter<v1::RespondResponse, v1::RespondRequest>*) override;
  grpc::Status ListChannels(grpc::ServerContext*, const v1::ListChannelsRequest*, v1::ListChannelsResponse*) override;
  grpc::Status StoreStats(grpc::ServerContext*, const v1::StoreStatsRequest*, v1::StoreStatsResponse*) override;
  grpc::Status Ping(grpc::ServerContext*, const v1::PingRequest*, v1::PingResponse*) override;
  grpc::Status ListLinks(grpc::ServerContext*, const v1::ListLinksRequest*, v1::ListLinksResponse*) override;
  grpc::Status ListRules(grpc::ServerContext*, const v1::ListRulesRequest*, v1::ListRulesResponse*) override;
  grpc::Status ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest*, v1::ReloadRulesResponse*) override;
  grpc::Status ReloadAccess(grpc::ServerContext*, const v1::ReloadAccessRequest*, v1::ReloadAccessResponse*) override;

 private:
  Broker& broker_;
  std::atomic<bool> stopping_{false};
  std::string name_, role_;
  std::function<v1::ListLinksResponse()> links_;
  std::function<v1::ListRulesResponse()> list_rules_;
  std::function<v1::ReloadRulesResponse()> reload_rules_;
  const AccessControl* access_ = nullptr;
  std::function<v1::ReloadAccessResponse()> reload_access_;
  std::function<grpc::Status(const grpc::ServerContext&)> admit_connection_;
  std::function<uint64_t()> count_connections_;
  policy::RateLimits* rate_limits_ = nullptr;

  // The caller's identity ("anonymous" without access control), or why it is refused
  // (a connection over --max-connections, a bad token, ...).
  grpc::Status caller(const grpc::ServerContext* context, std::string& identity) const;
  // PERMISSION_DENIED naming the identity, the operation and the channel, or OK.
  grpc::Status permit(const std::string& identity, Operation operation, std::string_view channel) const;
  // Both: the caller may do `operation` on `channel` ("" for the admin calls without one).
  grpc::Status admit(const grpc::ServerContext* context, Operation operation, std::string_view channel) const;
  // RESOURCE_EXHAUSTED naming the identity and its limit when the `count` messages of a
  // unary call are more than its --rate-limit lets through now (then none is taken).
  grpc::Status within_rate(const grpc::ServerContext* context, size_t count) const;
  // Messages of a batch: those the caller may not `operation` get a refused result in
  // their place, those over its --rate-limit a failed one (error "rate limit: ...");
  // the others go to `submit`, and `done` gets the results in order.
  void submit_permitted(const grpc::ServerContext* context, Operation operation, std::vector<v1::Message> messages,
                        std::function<void(std::vector<v1::SendResult>)> done,
                        const std::function<void(std::vector<v1::Message>,
                                                 std::function<void(std::vector<v1::SendResult>)>)>& submit) const;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace gsmq::server
