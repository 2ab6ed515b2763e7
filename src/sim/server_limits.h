// serve-sim's limits as a server exposed to clients it does not trust (as
// vLLM's uvicorn front end has them: body size, header size, a deadline for
// a whole request, idle keep-alive, max connections). Plain values; the
// connection guard (connection_guard.h) and evhttp enforce them.
#pragma once

#include <cstdint>

#include "common/result.h"

namespace l4lab::sim {

struct ServerLimits {
  // Larger request bodies are answered 413 by evhttp (Content-Length checked
  // before the body is read; chunked bodies as they grow).
  int64_t max_body_bytes = 16 << 20;
  // Request line + headers larger than this: evhttp answers 400 and closes.
  int64_t max_header_bytes = 32 << 10;
  // A connection must deliver a whole request (line, headers, body) within
  // this many seconds of connecting (slowloris: a client that drips bytes
  // never gets past it); for the next request on a keep-alive connection
  // within idle_timeout_s + header_timeout_s of the previous reply.
  double header_timeout_s = 10;
  // No byte received for this long while a request is being read, or
  // between requests on a keep-alive connection: the connection is closed.
  // Not applied while a request is being answered (a generation may wait
  // in the modelled queue for minutes).
  double idle_timeout_s = 60;
  // Open connections per worker; at the limit the worker stops accepting
  // (new connections wait in the listen backlog) until one closes.
  int max_connections = 8192;
};

// Names the flag that is out of range.
Status validate_limits(const ServerLimits& limits);

}  // namespace l4lab::sim
