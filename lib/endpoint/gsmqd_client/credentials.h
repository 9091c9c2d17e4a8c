// How a gsmq:// or gsmqs:// client proves itself and checks gsmqd: plaintext or TLS
// (gsmqs://, with ?ca ?cert ?key ?insecure ?sni), and the channel arguments that go
// with them (the name verified in the server's certificate).
#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "endpoint/gsmqd_client/settings.h"

namespace gsmq::endpoint::gsmqd_client {

// Error(usage) when a ?ca, ?cert or ?key file cannot be read.
std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const Settings& settings, grpc::ChannelArguments& args);

// The channel to settings.target with those credentials; with a token, every call carries
// it ("authorization: Bearer IDENTITY:SECRET").
std::shared_ptr<grpc::Channel> open_channel(const Settings& settings, grpc::ChannelArguments& args);

}  // namespace gsmq::endpoint::gsmqd_client
