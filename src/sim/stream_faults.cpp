// Faults that act on a stream's connection rather than on its bytes: a cut
// (FIN without the last chunk, or an RST) and a stall that holds output.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "common/clock.h"
#include "sim/http_socket_io.h"
#include "sim/sim_worker.h"

namespace l4lab::sim {

void SimServer::Impl::cut_connection(Stream& s) {
  s.cut = true;
  if (!s.engine_done) engine->abort(s.id);
  bufferevent* bev = evhttp_connection_get_bufferevent(s.conn);
  const int fd = bufferevent_getfd(bev);
  if (s.faults.close_mid_stream && !s.faults.reset_mid_stream &&
      evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
    // FIN without the terminating chunk; the client's close then ends the
    // request through on_client_closed.
    shutdown(fd, SHUT_WR);
    return;
  }
  const int reset_fd = s.faults.reset_mid_stream ? detach_for_reset(s.conn) : -1;
  evhttp_connection* conn = s.conn;
  guard->forget(conn);
  finish(s);
  evhttp_connection_free(conn);        // frees the request too
  if (reset_fd >= 0) close(reset_fd);  // RST
}

void SimServer::Impl::arm_hold(Stream& s) {
  if (!s.hold_timer) s.hold_timer = event_new(base, -1, 0, &Impl::on_hold, &s);
  const timeval tv = timeval_of_ns(s.hold_until_ns - mono_ns());
  evtimer_add(s.hold_timer, &tv);
}

void SimServer::Impl::on_hold(evutil_socket_t, short, void* arg) {
  // The timer dies with its stream, so s is alive here.
  Stream& s = *static_cast<Stream*>(arg);
  Impl* self = static_cast<Impl*>(s.owner);
  std::lock_guard lock(self->mu);
  s.hold_until_ns = 0;
  self->deliver(s);
}

}  // namespace l4lab::sim
