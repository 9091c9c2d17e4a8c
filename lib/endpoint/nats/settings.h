// What a nats:// URL asks for (docs/endpoints/nats.md): the servers to connect to, the
// subject, core NATS or JetStream (?stream=), the stream to create and the durable
// consumer to read through, read once from the URL's checked parameters
// (registration.cpp declares them) so that a bad option is exit 2 before connecting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/reconnect.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::nats {

// The listen form, or ?listen: gsmq is a client of NATS servers, never one.
inline constexpr std::string_view kNoServer =
    "gsmq does not run a NATS server; name the server to connect to (nats://HOST:PORT/SUBJECT)";

enum class DeliverFrom { all, fresh, last };  // a new JetStream consumer starts at

struct Settings {
  std::string url_text;               // as given, for messages
  std::vector<std::string> servers;   // nats://HOST:PORT: the URL's, then ?servers=
  std::string subject;                // source: the filter; sink: the default subject (may be empty)
  std::string user, password, token;  // USER:PASSWORD@, or TOKEN@
  TlsOptions tls;                     // nats+tls://: every server of the list over TLS
  std::string queue;                  // core source: the queue group
  std::string client_name = "gsmq";

  // JetStream (?stream=): empty for core NATS.
  std::string stream;
  bool create = false;                        // create the stream when it does not exist
  std::vector<std::string> stream_subjects;   // create: ?subjects=, else the URL's subject
  int replicas = 1;
  Duration duplicate_window = std::chrono::minutes(2);
  bool memory_storage = false;
  std::string durable;                        // source: the durable pull consumer
  DeliverFrom deliver = DeliverFrom::all;
  Duration ack_wait = std::chrono::seconds(30);
  uint64_t max_deliver = 0;                   // 0: no limit
  Duration ack_timeout = std::chrono::seconds(5);  // sink: one attempt's wait for the PubAck

  Duration connect_timeout = std::chrono::seconds(5);
  RetryPolicy retry;                  // ?retry, ?retry_for (a source with --follow: forever)
  size_t max_inflight = 100;

  bool jetstream() const { return !stream.empty(); }
};

// The settings for a source or a sink; Error(usage) for what the parameters cannot say
// on their own: a bad subject or server, JetStream options without ?stream.
Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options);

// True for a subject to publish to (no wildcards) or, with `filter`, to subscribe to
// ('*' as a whole token, '>' as the whole last token): not empty, no white space or
// control characters, no empty token.
bool valid_subject(std::string_view subject, bool filter);

}  // namespace gsmq::endpoint::nats
