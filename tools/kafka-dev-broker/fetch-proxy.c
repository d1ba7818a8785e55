/*
 * A Kafka protocol proxy in front of librdkafka's mock cluster that answers a
 * Fetch as soon as there is data, as Apache Kafka does.
 *
 * The mock answers a Fetch that finds nothing only after the request's full
 * MaxWait, even when a producer writes meanwhile. So a consumer had to choose
 * between a long wait (latency) and a short one (a busy loop of empty
 * fetches). This proxy forwards each Fetch with MaxWait 0; when the answer is
 * empty it holds it and asks again each time a Produce is answered (data was
 * appended) and every FALLBACK_POLL_MS, until the client's own MaxWait runs
 * out, then hands over the empty answer. Everything else passes through
 * untouched, except the broker port in Metadata and FindCoordinator answers,
 * rewritten to the proxy's so clients keep talking through it.
 *
 * Responses reach each client in request order, as from a real broker.
 * Only the non-flexible versions clients like kafkajs use are parsed (Fetch
 * 4-11, Metadata 0-8, FindCoordinator 0-2); any other version passes through
 * unchanged, which is correct, only without the early answer. Fetch sessions
 * (KIP-227) are not handled: a held Fetch is sent again as it was, which suits
 * sessionless clients (kafkajs) only.
 */
#include "fetch-proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 512
#define FALLBACK_POLL_MS 100
#define API_PRODUCE 0
#define API_FETCH 1
#define API_METADATA 3
#define API_FIND_COORDINATOR 10

typedef struct {
  uint8_t *data;
  size_t len, cap;
} buf_t;

/* One request of a client, waiting for its response; kept in request order. */
typedef struct slot {
  int32_t corr;
  int16_t api_key, api_version;
  uint8_t *request; /* a held Fetch, as sent to the mock (MaxWait 0), to send again */
  size_t request_len;
  int64_t deadline_ms;
  long sent_at_append; /* `appends` when the Fetch last went to the mock */
  uint8_t *response;
  size_t response_len;
  enum { WAITING, HELD, READY } state;
  struct slot *next;
} slot_t;

typedef struct {
  int client, mock;
  buf_t from_client, to_client, from_mock, to_mock;
  slot_t *head, *tail;
} conn_t;

static conn_t *conns[MAX_CONNS];
static int proxy_port;
/* Produce answers seen: an empty Fetch answer that crossed one was possibly answered just before the data landed. */
static long appends;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void buf_append(buf_t *b, const uint8_t *data, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + len) cap *= 2;
    b->data = realloc(b->data, cap);
    if (!b->data) { perror("fetch-proxy: realloc"); exit(1); }
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void buf_consume(buf_t *b, size_t len) {
  memmove(b->data, b->data + len, b->len - len);
  b->len -= len;
}

static int32_t rd32(const uint8_t *p) { return (int32_t)ntohl(*(const uint32_t *)(const void *)p); }
static int16_t rd16(const uint8_t *p) { return (int16_t)ntohs(*(const uint16_t *)(const void *)p); }
static void wr32(uint8_t *p, int32_t v) { uint32_t n = htonl((uint32_t)v); memcpy(p, &n, 4); }

/* A bounds-checked reader over one frame; `ok` turns 0 on any overrun. */
typedef struct {
  const uint8_t *p;
  size_t len, at;
  int ok;
} reader_t;

static int need(reader_t *r, size_t n) {
  if (!r->ok || r->at + n > r->len) { r->ok = 0; return 0; }
  return 1;
}
static int32_t r32(reader_t *r) { if (!need(r, 4)) return 0; int32_t v = rd32(r->p + r->at); r->at += 4; return v; }
static int16_t r16(reader_t *r) { if (!need(r, 2)) return 0; int16_t v = rd16(r->p + r->at); r->at += 2; return v; }
static void skip(reader_t *r, size_t n) { if (need(r, n)) r->at += n; }
static void skip_string(reader_t *r) { int16_t n = r16(r); if (n > 0) skip(r, (size_t)n); }

/* Fetch response (v4-v11) with no records and no error anywhere: worth holding. */
static int fetch_is_empty(const uint8_t *frame, size_t len, int version) {
  reader_t r = {frame, len, 8, 1}; /* after size and correlation id */
  r32(&r);                         /* throttle_time_ms */
  if (version >= 7) {
    if (r16(&r) != 0) return 0;    /* error_code */
    r32(&r);                       /* session_id */
  }
  int32_t topics = r32(&r);
  for (int32_t t = 0; t < topics && r.ok; t++) {
    skip_string(&r);
    int32_t partitions = r32(&r);
    for (int32_t p = 0; p < partitions && r.ok; p++) {
      r32(&r);                            /* partition_index */
      if (r16(&r) != 0) return 0;         /* error_code */
      skip(&r, 8 + 8);                    /* high_watermark, last_stable_offset */
      if (version >= 5) skip(&r, 8);      /* log_start_offset */
      int32_t aborted = r32(&r);
      if (aborted > 0) skip(&r, (size_t)aborted * 16);
      if (version >= 11) r32(&r);         /* preferred_read_replica */
      int32_t records = r32(&r);
      if (records > 0) return 0;
    }
  }
  return r.ok;
}

/* Points every broker of a Metadata (v0-v8) or FindCoordinator (v0-v2) answer at the proxy. */
static void rewrite_broker_ports(uint8_t *frame, size_t len, int api_key, int version) {
  reader_t r = {frame, len, 8, 1};
  if (api_key == API_METADATA) {
    if (version >= 3) r32(&r); /* throttle_time_ms */
    int32_t brokers = r32(&r);
    for (int32_t b = 0; b < brokers && r.ok; b++) {
      r32(&r);                 /* node_id */
      skip_string(&r);         /* host */
      if (!need(&r, 4)) return;
      wr32(frame + r.at, proxy_port);
      r.at += 4;
      if (version >= 1) skip_string(&r); /* rack */
    }
  } else {
    if (version >= 1) r32(&r); /* throttle_time_ms */
    r16(&r);                   /* error_code */
    if (version >= 1) skip_string(&r); /* error_message */
    r32(&r);                   /* node_id */
    skip_string(&r);           /* host */
    if (need(&r, 4)) wr32(frame + r.at, proxy_port);
  }
}

static void conn_close(int i) {
  conn_t *c = conns[i];
  close(c->client);
  close(c->mock);
  for (slot_t *s = c->head, *next; s; s = next) {
    next = s->next;
    free(s->request);
    free(s->response);
    free(s);
  }
  free(c->from_client.data);
  free(c->to_client.data);
  free(c->from_mock.data);
  free(c->to_mock.data);
  free(c);
  conns[i] = NULL;
}

/* A whole request from the client: remember it, forward it (a Fetch with MaxWait 0). Returns 0 (see frames()). */
static int on_request(conn_t *c, uint8_t *frame, size_t len) {
  slot_t *s = calloc(1, sizeof *s);
  reader_t r = {frame, len, 4, 1};
  s->api_key = r16(&r);
  s->api_version = r16(&r);
  s->corr = r32(&r);
  s->state = WAITING;
  if (s->api_key == API_FETCH && s->api_version >= 4 && s->api_version <= 11) {
    skip_string(&r);            /* client_id */
    r32(&r);                    /* replica_id */
    if (need(&r, 4)) {
      int32_t max_wait = rd32(frame + r.at);
      wr32(frame + r.at, 0);
      s->deadline_ms = now_ms() + (max_wait > 0 ? max_wait : 0);
      s->request = malloc(len);
      memcpy(s->request, frame, len);
      s->request_len = len;
      s->sent_at_append = appends;
    }
  }
  if (c->tail) c->tail->next = s; else c->head = s;
  c->tail = s;
  buf_append(&c->to_mock, frame, len);
  return 0;
}

/* A whole response from the mock. Returns 1 when it answered a Produce (data was appended). */
static int on_response(conn_t *c, uint8_t *frame, size_t len) {
  int32_t corr = rd32(frame + 4);
  slot_t *s = c->head;
  while (s && !(s->corr == corr && s->state == WAITING)) s = s->next;
  if (!s) return 0; /* nothing asked for it: drop */
  if ((s->api_key == API_METADATA && s->api_version <= 8) || (s->api_key == API_FIND_COORDINATOR && s->api_version <= 2)) {
    rewrite_broker_ports(frame, len, s->api_key, s->api_version);
  }
  free(s->response);
  s->response = malloc(len);
  memcpy(s->response, frame, len);
  s->response_len = len;
  if (s->api_key == API_PRODUCE) appends++;
  s->state = (s->request && now_ms() < s->deadline_ms && fetch_is_empty(frame, len, s->api_version)) ? HELD : READY;
  if (s->state == HELD && s->sent_at_append != appends) {
    /* Data was appended while this Fetch was out: ask again now rather than wait for the next append. */
    s->state = WAITING;
    s->sent_at_append = appends;
    buf_append(&c->to_mock, s->request, s->request_len);
  }
  return s->api_key == API_PRODUCE;
}

/* Hands the client every response that is next in its request order. */
static void deliver(conn_t *c) {
  while (c->head && c->head->state == READY) {
    slot_t *s = c->head;
    buf_append(&c->to_client, s->response, s->response_len);
    c->head = s->next;
    if (!c->head) c->tail = NULL;
    free(s->request);
    free(s->response);
    free(s);
  }
}

/* Held fetches: asked again (`again`), or answered empty once their wait is over. */
static void revisit_held(int again) {
  int64_t now = now_ms();
  for (int i = 0; i < MAX_CONNS; i++) {
    conn_t *c = conns[i];
    if (!c) continue;
    for (slot_t *s = c->head; s; s = s->next) {
      if (s->state != HELD) continue;
      if (now >= s->deadline_ms) s->state = READY;
      else if (again) {
        s->state = WAITING;
        s->sent_at_append = appends;
        buf_append(&c->to_mock, s->request, s->request_len);
      }
    }
    deliver(c);
  }
}

/* Splits whole frames off `in` and hands each to `fn`; returns the OR of what `fn` returned. */
static int frames(buf_t *in, conn_t *c, int (*fn)(conn_t *, uint8_t *, size_t)) {
  int any = 0;
  while (in->len >= 4) {
    int32_t size = rd32(in->data);
    if (size < 8 || (size_t)size + 4 > in->len) break;
    any |= fn(c, in->data, (size_t)size + 4);
    buf_consume(in, (size_t)size + 4);
  }
  return any;
}

/* Reads what `fd` has into `b`; 0 when the peer closed or failed. */
static int read_into(int fd, buf_t *b) {
  uint8_t chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) { buf_append(b, chunk, (size_t)n); continue; }
    if (n == 0) return 0;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
}

/* Writes what it can of `b` to `fd`; 0 on failure. */
static int write_from(int fd, buf_t *b) {
  while (b->len > 0) {
    ssize_t n = write(fd, b->data, b->len);
    if (n > 0) { buf_consume(b, (size_t)n); continue; }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return 1;
}

/*
 * Acknowledge what a peer sent at once. A held Fetch means no answer goes
 * back to piggyback the ACK on, and a sender without TCP_NODELAY (kafkajs, the
 * mock) would then hold its next small message for the kernel's delayed ACK,
 * ~40 ms. Linux clears the flag after use, so it is set after every read.
 */
static void quick_ack(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

static void nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static struct sockaddr_in address_of(const char *host, int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, host, &a.sin_addr);
  return a;
}

int fetch_proxy_listen(const char *host, int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = address_of(host, 0);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) { perror("fetch-proxy: listen"); return -1; }
  socklen_t alen = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &alen);
  *port = ntohs(a.sin_port);
  proxy_port = *port;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static void accept_client(int listener, const char *mock_host, int mock_port) {
  for (;;) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) return;
    int mock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = address_of(mock_host, mock_port);
    if (connect(mock, (struct sockaddr *)&a, sizeof a) < 0) { perror("fetch-proxy: connect to mock"); close(client); close(mock); continue; }
    nonblocking(client);
    nonblocking(mock);
    int i = 0;
    while (i < MAX_CONNS && conns[i]) i++;
    if (i == MAX_CONNS) { fprintf(stderr, "fetch-proxy: too many connections\n"); close(client); close(mock); continue; }
    conns[i] = calloc(1, sizeof(conn_t));
    conns[i]->client = client;
    conns[i]->mock = mock;
  }
}

void fetch_proxy_run(int listener, const char *mock_host, int mock_port, volatile sig_atomic_t *running) {
  struct pollfd fds[1 + 2 * MAX_CONNS];
  int owner[1 + 2 * MAX_CONNS];
  int64_t last_poll = now_ms();
  while (*running) {
    int n = 0;
    fds[n].fd = listener; fds[n].events = POLLIN; owner[n++] = -1;
    int64_t next_deadline = now_ms() + FALLBACK_POLL_MS;
    for (int i = 0; i < MAX_CONNS; i++) {
      conn_t *c = conns[i];
      if (!c) continue;
      fds[n].fd = c->client; fds[n].events = POLLIN | (c->to_client.len ? POLLOUT : 0); owner[n++] = i;
      fds[n].fd = c->mock; fds[n].events = POLLIN | (c->to_mock.len ? POLLOUT : 0); owner[n++] = i;
      for (slot_t *s = c->head; s; s = s->next)
        if (s->state == HELD && s->deadline_ms < next_deadline) next_deadline = s->deadline_ms;
    }
    int64_t timeout = next_deadline - now_ms();
    if (poll(fds, (nfds_t)n, timeout < 0 ? 0 : (int)timeout) < 0 && errno != EINTR) { perror("fetch-proxy: poll"); return; }
    int appended = 0;
    for (int k = 0; k < n; k++) {
      if (!fds[k].revents) continue;
      if (owner[k] < 0) { accept_client(listener, mock_host, mock_port); continue; }
      conn_t *c = conns[owner[k]];
      if (!c) continue;
      int ok = 1;
      int from_client = fds[k].fd == c->client;
      if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        if (from_client) {
          ok = read_into(c->client, &c->from_client);
          quick_ack(c->client);
          frames(&c->from_client, c, on_request);
        } else {
          ok = read_into(c->mock, &c->from_mock);
          quick_ack(c->mock);
          appended |= frames(&c->from_mock, c, on_response);
          deliver(c);
        }
      }
      if (ok && (fds[k].revents & POLLOUT)) ok = write_from(fds[k].fd, from_client ? &c->to_client : &c->to_mock);
      if (!ok) conn_close(owner[k]);
    }
    int64_t now = now_ms();
    int fallback = now - last_poll >= FALLBACK_POLL_MS;
    if (fallback) last_poll = now;
    revisit_held(appended || fallback);
    /* Write eagerly: most of the time the socket takes it all and poll need not wake for POLLOUT. */
    for (int i = 0; i < MAX_CONNS; i++) {
      conn_t *c = conns[i];
      if (!c) continue;
      if (!write_from(c->mock, &c->to_mock) || !write_from(c->client, &c->to_client)) conn_close(i);
    }
  }
}
