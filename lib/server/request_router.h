// Commands and queries: a requester's message goes to one responder subscribed to the
// channel (round robin), and the requester waits, up to its timeout, for the reply.
#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "gsmq/v1/broker.pb.h"
#include "server/subscriber_groups.h"
#include "util/mailbox.h"

namespace gsmq::server {

struct Responder {
  Mailbox<v1::RespondResponse> requests{10000};
};

class RequestRouter {
 public:
  std::shared_ptr<Responder> add_responder(const std::string& channel, const std::string& group);
  void remove_responder(const std::string& channel, const std::string& group, const Responder* responder);

  // Blocks until a reply, the timeout, or no responder.
  v1::ReplyMessage request(const v1::Message& message, Duration timeout);
  // A responder's answer; false when nobody waits for it any more (timed out).
  bool reply(const v1::RespondReply& reply);
  size_t responders(const std::string& channel) const { return responders_.count(channel); }

 private:
  SubscriberGroups<Responder> responders_;
  std::mutex mutex_;
  std::map<std::string, std::promise<v1::ReplyMessage>> waiting_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace gsmq::server
