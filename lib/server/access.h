// Who may call gsmqd and do what (gsmqd --tokens, --acl, client certificates;
// docs/security.md). The daemon implements it and sets it on the BrokerService; without
// one, every call is allowed, as on a gsmqd with no authentication configured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "policy/acl.h"

namespace gsmq::server {

using policy::Operation;

// The identity of a caller that has none (gsmqd --allow-anonymous, or no access control).
inline constexpr const char* kAnonymous = "anonymous";

class AccessControl {
 public:
  virtual ~AccessControl() = default;
  // The caller's identity, from its token or its client certificate. UNAUTHENTICATED
  // when it presented a bad token, or nothing while anonymous callers are not allowed.
  virtual grpc::Status authenticate(const grpc::ServerContext& context, std::string& identity) const = 0;
  virtual bool allows(const std::string& identity, Operation operation, std::string_view channel) const = 0;
  // Changes on every reload, so that long-lived calls check again.
  virtual uint64_t generation() const = 0;
};

}  // namespace gsmq::server
