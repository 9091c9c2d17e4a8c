#include "server/request_router.h"

#include "envelope/message.h"

namespace gsmq::server {

std::shared_ptr<Responder> RequestRouter::add_responder(const std::string& channel, const std::string& group) {
  auto r = std::make_shared<Responder>();
  responders_.add(channel, group, r);
  return r;
}

void RequestRouter::remove_responder(const std::string& channel, const std::string& group, const Responder* r) {
  responders_.remove(channel, group, r);
}

v1::ReplyMessage RequestRouter::request(const v1::Message& message, Duration timeout) {
  v1::ReplyMessage reply;
  auto responder = responders_.pick_one(message.channel());
  if (!responder) {
    reply.set_error("no responder on channel " + message.channel());
    return reply;
  }
  const std::string request_id = "r" + std::to_string(next_id_++);
  std::future<v1::ReplyMessage> answer;
  {
    std::lock_guard lock(mutex_);
    answer = waiting_[request_id].get_future();
  }
  v1::RespondResponse frame;
  frame.set_request_id(request_id);
  *frame.mutable_message() = message;
  if (frame.message().id().empty()) frame.mutable_message()->set_id(new_message_id());
  if (frame.message().ts() == 0) frame.mutable_message()->set_ts(now_micros());
  if (!responder->requests.push(std::move(frame))) {
    std::lock_guard lock(mutex_);
    waiting_.erase(request_id);
    reply.set_error("responder is overloaded");
    return reply;
  }
  if (answer.wait_for(timeout) == std::future_status::ready) return answer.get();
  std::lock_guard lock(mutex_);
  // The reply may have raced the timeout: take it if it is there.
  if (answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    waiting_.erase(request_id);
    return answer.get();
  }
  waiting_.erase(request_id);
  reply.set_error("timeout after " + format_duration(timeout));
  return reply;
}

bool RequestRouter::reply(const v1::RespondReply& r) {
  std::lock_guard lock(mutex_);
  auto it = waiting_.find(r.request_id());
  if (it == waiting_.end()) return false;
  v1::ReplyMessage reply;
  *reply.mutable_message() = r.message();
  reply.set_error(r.error());
  it->second.set_value(std::move(reply));
  waiting_.erase(it);
  return true;
}

}  // namespace gsmq::server
