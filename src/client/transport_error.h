// libcurl result codes -> the failure classes of docs/FORMATS.md.
#pragma once

#include <string>

#include "client/request_recorder.h"

namespace l4lab::client {

struct TransportFacts {
  int curl_code = 0;          // CURLcode
  std::string curl_message;   // CURLOPT_ERRORBUFFER, else curl_easy_strerror
  bool connected = false;     // the TCP (and TLS) connection was established
  bool got_response = false;  // any response byte arrived
};

TransportOutcome classify_transport(const TransportFacts& f);

}  // namespace l4lab::client
