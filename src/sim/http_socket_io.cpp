#include "sim/http_socket_io.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http_struct.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>

namespace l4lab::sim {

void flush_queued_headers(evhttp_connection* conn) {
  if (!conn) return;
  bufferevent* bev = evhttp_connection_get_bufferevent(conn);
  evbuffer* output = bufferevent_get_output(bev);
  const size_t len = evbuffer_get_length(output);
  if (len == 0) return;
  const unsigned char* data = evbuffer_pullup(output, ssize_t(len));
  const ssize_t n = send(bufferevent_getfd(bev), data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n > 0) evbuffer_drain(output, size_t(n));
  // evhttp has no completion callback pending after reply_start, so its
  // write event may go: re-enabled by send_http_chunk whenever bytes are left queued.
  if (evbuffer_get_length(output) == 0) bufferevent_disable(bev, EV_WRITE);
}

void send_http_chunk(evhttp_request* req, evhttp_connection* conn, const std::string& data,
                     bool last) {
  if (!req->chunked || !conn) {
    evbuffer* b = evbuffer_new();
    evbuffer_add(b, data.data(), data.size());
    evhttp_send_reply_chunk(req, b);
    evbuffer_free(b);
    return;
  }
  char head[20];
  const int hn = std::snprintf(head, sizeof head, "%zx\r\n", data.size());
  static const char kEnd[] = "\r\n0\r\n\r\n";
  iovec iov[3] = {{head, size_t(hn)},
                  {const_cast<char*>(data.data()), data.size()},
                  {const_cast<char*>(kEnd), last ? sizeof kEnd - 1 : 2}};
  bufferevent* bev = evhttp_connection_get_bufferevent(conn);
  evbuffer* output = bufferevent_get_output(bev);
  size_t done = 0;
  if (evbuffer_get_length(output) == 0) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 3;
    const ssize_t n = sendmsg(bufferevent_getfd(bev), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) done = size_t(n);
    // On a hard error libevent sees the dead socket on its read side and
    // reports the close (the server's close callback); the rest is queued meanwhile.
  }
  bool queued = false;
  for (const auto& v : iov) {
    if (done >= v.iov_len) {
      done -= v.iov_len;
      continue;
    }
    bufferevent_write(bev, static_cast<char*>(v.iov_base) + done, v.iov_len - done);
    done = 0;
    queued = true;
  }
  if (queued) bufferevent_enable(bev, EV_WRITE);
  // The terminating chunk is written: evhttp must not add its own.
  if (last) req->chunked = 0;
}

int detach_for_reset(evhttp_connection* conn) {
  const int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
  linger lg{1, 0};  // the last close() of this socket sends RST
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  // evhttp_connection_free() calls shutdown(SHUT_WR) before close(), which
  // would send a FIN first and let the client see a clean close. Keep the
  // real socket on a duplicate, put a spare socket under evhttp's fd number
  // for it to shut down, and let the caller close the real one.
  int reset_fd = dup(fd);
  const int spare = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (reset_fd >= 0 && spare >= 0 && dup2(spare, fd) >= 0) {
    close(spare);
    return reset_fd;
  }
  if (spare >= 0) close(spare);
  if (reset_fd >= 0) close(reset_fd);
  return -1;
}

}  // namespace l4lab::sim
