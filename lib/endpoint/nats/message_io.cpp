#include "endpoint/nats/message_io.h"

#include "endpoint/nats/connection.h"

namespace gsmq::endpoint::nats {

Headers headers_of(natsMsg* msg) {
  Headers out;
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK) return out;
  for (int k = 0; k < count; ++k) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(msg, keys[k], &values, &n) == NATS_OK) {
      for (int v = 0; v < n; ++v) out.emplace_back(keys[k], values[v]);
      free(values);
    }
  }
  free(keys);
  return out;
}

Message message_of(natsMsg* msg) {
  const char* data = natsMsg_GetData(msg);
  return message_from(natsMsg_GetSubject(msg),
                      std::string_view(data ? data : "", static_cast<size_t>(natsMsg_GetDataLength(msg))),
                      headers_of(msg));
}

natsMsg* build_msg(const Outgoing& out, const std::string& body, std::string& error) {
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, out.subject.c_str(), nullptr, body.data(), static_cast<int>(body.size()));
  for (const auto& [name, value] : out.headers)
    if (s == NATS_OK) s = natsMsgHeader_Add(msg, name.c_str(), value.c_str());
  if (s == NATS_OK) return msg;
  natsMsg_Destroy(msg);
  error = "cannot publish to " + out.subject + ": " + describe(s);
  return nullptr;
}

}  // namespace gsmq::endpoint::nats
