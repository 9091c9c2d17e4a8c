// gsmq://a:7878,b:7878/CHANNEL: one endpoint over several daemons, the MQ balancer of the
// seed (gsmq(7) gsmq://, "Several daemons"). As a sink it sends each message to one of
// them by ?balance (hash of the channel: one daemon per channel while it is up; or round
// robin), fails over to the next when that daemon is gone, and sends again what it had
// not confirmed: at least once. As a source it takes from all of them.
#pragma once

#include <memory>
#include <vector>

#include "endpoint/gsmqd_client/balance.h"
#include "endpoint/gsmqd_client/settings.h"
#include "endpoint/reconnect.h"

namespace gsmq::endpoint::gsmqd_client {

// `each` holds one daemon's settings per server of the URL.
std::unique_ptr<Sink> open_balanced_sink(std::vector<Settings> each, Balance balance, RetryPolicy policy,
                                         std::string url_channel);
std::unique_ptr<Source> open_merged_source(std::vector<Settings> each, RetryPolicy policy);

}  // namespace gsmq::endpoint::gsmqd_client
