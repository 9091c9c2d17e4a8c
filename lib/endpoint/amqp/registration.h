// amqp://[USER[:PASSWORD]@]HOST[:PORT][,HOST[:PORT]...]/NAME and amqps:// (TLS): an AMQP
// 0.9.1 broker (RabbitMQ), as a consumer of a queue (source; NAME is the queue) or a
// publisher with confirms (sink; NAME is the routing key). See docs/endpoints/amqp.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::amqp {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::amqp
