#include "client/transport_error.h"

#include <curl/curl.h>

namespace l4lab::client {

TransportOutcome classify_transport(const TransportFacts& f) {
  TransportOutcome o;
  auto code = CURLcode(f.curl_code);
  if (code == CURLE_OK) return o;
  o.ok = false;
  o.message = f.curl_message.empty() ? curl_easy_strerror(code) : f.curl_message;
  o.failure_class = traces::FailureClass::connection;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      o.detail = traces::detail::kDns;
      break;
    case CURLE_COULDNT_CONNECT:
      o.detail = traces::detail::kRefused;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      // curl's own timers: the connect timeout, or the total-time backstop.
      o.failure_class = traces::FailureClass::timeout;
      o.detail = f.connected ? traces::detail::kTotal : traces::detail::kConnect;
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
      o.detail = traces::detail::kTls;
      break;
    case CURLE_PARTIAL_FILE:  // chunked body / Content-Length cut short
    case CURLE_GOT_NOTHING:   // closed before any response
      o.detail = traces::detail::kClosedMidStream;
      break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      o.detail = traces::detail::kReset;
      break;
    default:
      o.detail = traces::detail::kOther;
      break;
  }
  return o;
}

}  // namespace l4lab::client
