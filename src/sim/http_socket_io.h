// serve-sim's writes beneath evhttp: the streamed response goes straight to
// the socket (one send per chunk, no write-event round trip through the loop),
// and a reset fault sends an RST alone, which evhttp's own close cannot.
// Free functions on evhttp's objects; the server's state stays in sim_server.
#pragma once

#include <event2/http.h>

#include <string>

namespace l4lab::sim {

// Sends the status line and headers evhttp just queued (after
// evhttp_send_reply_start) with one send().
void flush_queued_headers(evhttp_connection* conn);

// Writes `data` as one HTTP chunk (plus the terminating chunk when `last`)
// with one sendmsg when libevent has nothing queued for the socket; what the
// socket does not take is queued on the bufferevent. Falls back to evhttp's
// own chunk writer when the reply is not chunked.
void send_http_chunk(evhttp_request* req, evhttp_connection* conn, const std::string& data,
                     bool last);

// Prepares `conn` so that freeing it sends an RST and no FIN: returns the fd
// to close() right after evhttp_connection_free(conn), or -1 when that could
// not be arranged (then the free closes it cleanly).
int detach_for_reset(evhttp_connection* conn);

}  // namespace l4lab::sim
