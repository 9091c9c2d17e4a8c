// "-": JSON lines on stdin (as a source) or stdout (as a sink). It takes no parameters.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::stdio {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::stdio
