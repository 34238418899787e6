/*
 * netpol-probe: carries out one network namespace's probes for netpol-assert-agent.
 *
 * The agent starts one per namespace, already inside it:
 *     nsenter --net=/proc/<pid>/ns/net -- netpol-probe
 * and writes its task list on stdin, one task per line, then the line "end":
 *     probe IDX tcp|udp|udp-send|sctp ADDR PORT TIMEOUT_MS ATTEMPTS NONCE
 *     capture IDX PORT TIMEOUT_MS ATTEMPTS NONCE
 * It opens the capture sockets, prints "ready", waits for the line "go" (or end of
 * input), then runs every task concurrently (non-blocking sockets, one poll loop) and
 * prints one line per attempt as soon as it is known:
 *     result IDX ATTEMPT WORD ELAPSED_MS DETAIL
 * WORD for probes: connected | refused | timeout | unreachable | unsupported | sent | error;
 * for captures: seen | not-seen | error. DETAIL is an errno or ICMP name, or "-".
 * A probe's attempts run one after another (a policy may race its own enforcement);
 * different probes run at the same time, so a batch takes about one timeout per attempt.
 *
 *   tcp, sctp   non-blocking connect: handshake = connected, RST/ABORT = refused,
 *               ICMP unreachable or a local EPERM/EACCES = unreachable, nothing = timeout.
 *               An SCTP socket the kernel cannot make is "unsupported", never a pass.
 *   udp         connected socket with IP_RECVERR: sends "npa1 NONCE ATTEMPT\n" and waits
 *               for that exact datagram to come back (connected); ICMP port unreachable =
 *               refused, other ICMP unreachable (admin-prohibited, host, net) = unreachable.
 *   udp-send    the same datagram, for a destination that does not echo: with no ICMP
 *               error by the deadline the attempt is "sent"; a capture on the
 *               destination's side proves delivery.
 *   capture     raw UDP sockets (IPv4 and IPv6; CAP_NET_RAW) see each datagram delivered
 *               to this namespace after its own netfilter input hook; an attempt is "seen"
 *               when a datagram to PORT carries "npa1 NONCE ATTEMPT". TIMEOUT_MS is the
 *               whole listening window, counted from "go".
 *
 * Exit status: 0 after every task reported, 2 on bad input (a line "fatal ..." says why).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec (musl defines it only here) */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#define VERSION "netpol-probe 1"
#define MAX_TASKS 200000
#define MAX_ATTEMPTS 100
#define MAX_NONCE 64
#define MAX_TIMEOUT_MS 100000000
#define PAYLOAD_PREFIX "npa1 "

enum mode { M_TCP, M_UDP, M_UDP_SEND, M_SCTP, M_CAPTURE };
enum state { S_QUEUED, S_ACTIVE, S_DONE };

struct task {
  enum mode mode;
  enum state state;
  long idx;
  struct sockaddr_storage addr;
  socklen_t addr_len;
  int port;
  int timeout_ms;
  int attempts;
  int attempt; /* the one running (probes) */
  int fd;
  long long started_ms;
  long long deadline_ms;
  char nonce[MAX_NONCE + 1];
  char payload[MAX_NONCE + 32];
  size_t payload_len;
  unsigned char *seen; /* captures: one flag per attempt */
  int seen_count;
};

static struct task *tasks;
static long task_count;
static long task_capacity;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fatal(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("fatal ", stdout);
  vprintf(format, args);
  fputc('\n', stdout);
  va_end(args);
  fflush(stdout);
  exit(2);
}

/* ------------------------------------------------------------ words and reasons */

/* errno names by hand: musl (the static image build) has no strerrorname_np. */
static const char *errno_name(int err) {
  switch (err) {
  case ECONNREFUSED: return "ECONNREFUSED";
  case ECONNRESET: return "ECONNRESET";
  case ETIMEDOUT: return "ETIMEDOUT";
  case EHOSTUNREACH: return "EHOSTUNREACH";
  case ENETUNREACH: return "ENETUNREACH";
  case EHOSTDOWN: return "EHOSTDOWN";
  case ENETDOWN: return "ENETDOWN";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
  case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
  case EMFILE: return "EMFILE";
  case ENFILE: return "ENFILE";
  case ENOBUFS: return "ENOBUFS";
  case ENOMEM: return "ENOMEM";
  case EMSGSIZE: return "EMSGSIZE";
  case EPROTO: return "EPROTO";
  case EINVAL: return "EINVAL";
  default: return NULL;
  }
}

static void errno_detail(int err, char *out, size_t size) {
  const char *name = errno_name(err);
  if (name != NULL) snprintf(out, size, "%s", name);
  else snprintf(out, size, "errno-%d", err);
}

/* What a failed connect or send means. */
static const char *word_of_errno(int err) {
  switch (err) {
  case 0: return "connected";
  case ECONNREFUSED: return "refused";
  case ETIMEDOUT: return "timeout";
  case EHOSTUNREACH:
  case ENETUNREACH:
  case EHOSTDOWN:
  case ENETDOWN:
  case EACCES:
  case EPERM: return "unreachable";
  default: return "error";
  }
}

static int protocol_missing(int err) {
  return err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT || err == EAFNOSUPPORT;
}

/* ------------------------------------------------------------ output */

static void report(struct task *t, int attempt, const char *word, long long elapsed, const char *detail) {
  printf("result %ld %d %s %lld %s\n", t->idx, attempt, word, elapsed, detail && detail[0] ? detail : "-");
}

/* ------------------------------------------------------------ input */

static int parse_int(const char *s, long min, long max, long *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return -1;
  *out = v;
  return 0;
}

static int valid_nonce(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > MAX_NONCE) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
             c == '-';
    if (!ok) return 0;
  }
  return 1;
}

static int parse_address(struct task *t, const char *text, int port) {
  struct sockaddr_in *a4 = (struct sockaddr_in *)&t->addr;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->addr;
  memset(&t->addr, 0, sizeof t->addr);
  if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((unsigned short)port);
    t->addr_len = sizeof *a4;
    return 0;
  }
  if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((unsigned short)port);
    t->addr_len = sizeof *a6;
    return 0;
  }
  return -1;
}

static struct task *new_task(long line_number) {
  if (task_count >= MAX_TASKS) fatal("line %ld: more than %d tasks", line_number, MAX_TASKS);
  if (task_count == task_capacity) {
    task_capacity = task_capacity ? task_capacity * 2 : 64;
    tasks = realloc(tasks, (size_t)task_capacity * sizeof *tasks);
    if (tasks == NULL) fatal("out of memory");
  }
  struct task *t = &tasks[task_count];
  memset(t, 0, sizeof *t);
  t->fd = -1;
  return t;
}

static int parse_mode(const char *s, enum mode *out) {
  if (strcmp(s, "tcp") == 0) *out = M_TCP;
  else if (strcmp(s, "udp") == 0) *out = M_UDP;
  else if (strcmp(s, "udp-send") == 0) *out = M_UDP_SEND;
  else if (strcmp(s, "sctp") == 0) *out = M_SCTP;
  else return -1;
  return 0;
}

/* probe IDX MODE ADDR PORT TIMEOUT_MS ATTEMPTS NONCE */
static void parse_probe(char **w, int n, long line_number) {
  long idx, port, timeout, attempts;
  struct task *t = new_task(line_number);
  if (n != 9 || parse_int(w[1], 0, 1L << 30, &idx) < 0 || parse_mode(w[2], &t->mode) < 0 ||
      parse_int(w[4], 1, 65535, &port) < 0 || parse_int(w[5], 1, MAX_TIMEOUT_MS, &timeout) < 0 ||
      parse_int(w[6], 1, MAX_ATTEMPTS, &attempts) < 0 || !valid_nonce(w[7]) ||
      parse_address(t, w[3], (int)port) < 0 || strcmp(w[8], "") != 0) {
    fatal("line %ld: want 'probe IDX tcp|udp|udp-send|sctp ADDR PORT TIMEOUT_MS ATTEMPTS NONCE'", line_number);
  }
  t->idx = idx;
  t->port = (int)port;
  t->timeout_ms = (int)timeout;
  t->attempts = (int)attempts;
  snprintf(t->nonce, sizeof t->nonce, "%s", w[7]);
  task_count++;
}

/* capture IDX PORT TIMEOUT_MS ATTEMPTS NONCE */
static void parse_capture(char **w, int n, long line_number) {
  long idx, port, timeout, attempts;
  struct task *t = new_task(line_number);
  if (n != 7 || parse_int(w[1], 0, 1L << 30, &idx) < 0 || parse_int(w[2], 1, 65535, &port) < 0 ||
      parse_int(w[3], 1, MAX_TIMEOUT_MS, &timeout) < 0 || parse_int(w[4], 1, MAX_ATTEMPTS, &attempts) < 0 ||
      !valid_nonce(w[5]) || strcmp(w[6], "") != 0) {
    fatal("line %ld: want 'capture IDX PORT TIMEOUT_MS ATTEMPTS NONCE'", line_number);
  }
  t->mode = M_CAPTURE;
  t->idx = idx;
  t->port = (int)port;
  t->timeout_ms = (int)timeout;
  t->attempts = (int)attempts;
  t->seen = calloc((size_t)attempts, 1);
  if (t->seen == NULL) fatal("out of memory");
  snprintf(t->nonce, sizeof t->nonce, "%s", w[5]);
  task_count++;
}

/* Splits on spaces; the word after the last is "" so callers can check the count exactly. */
static int split_words(char *line, char **words, int max) {
  int n = 0;
  char *save = NULL;
  for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL && n < max - 1; w = strtok_r(NULL, " \t\r\n", &save)) {
    words[n++] = w;
  }
  words[n] = "";
  return n + 1;
}

/* Reads task lines until "end" (or end of input); returns 1 when input ended there. */
static int read_tasks(void) {
  char *line = NULL;
  size_t size = 0;
  long line_number = 0;
  while (getline(&line, &size, stdin) >= 0) {
    line_number++;
    char *words[12];
    int n = split_words(line, words, 12);
    if (n == 1) continue;
    if (strcmp(words[0], "end") == 0) {
      free(line);
      return 0;
    }
    if (strcmp(words[0], "probe") == 0) parse_probe(words, n, line_number);
    else if (strcmp(words[0], "capture") == 0) parse_capture(words, n, line_number);
    else fatal("line %ld: unknown task '%s'", line_number, words[0]);
  }
  free(line);
  return 1;
}

/* Blocks until "go" or end of input: the agent says go once every capture is listening. */
static void wait_for_go(void) {
  char *line = NULL;
  size_t size = 0;
  while (getline(&line, &size, stdin) >= 0) {
    if (strncmp(line, "go", 2) == 0) break;
  }
  free(line);
}

/* ------------------------------------------------------------ probes */

static void finish_attempt(struct task *t, const char *word, const char *detail) {
  long long now = now_ms();
  if (t->fd >= 0) close(t->fd);
  t->fd = -1;
  report(t, t->attempt, word, now - t->started_ms, detail);
  t->attempt++;
  t->state = t->attempt >= t->attempts ? S_DONE : S_QUEUED;
}

static void finish_errno(struct task *t, int err) {
  char detail[32];
  errno_detail(err, detail, sizeof detail);
  finish_attempt(t, word_of_errno(err), err == 0 ? "-" : detail);
}

static int is_udp(const struct task *t) { return t->mode == M_UDP || t->mode == M_UDP_SEND; }

static void start_attempt(struct task *t) {
  int family = t->addr.ss_family;
  int type = is_udp(t) ? SOCK_DGRAM : SOCK_STREAM;
  int proto = t->mode == M_SCTP ? IPPROTO_SCTP : 0;
  t->state = S_ACTIVE;
  t->started_ms = now_ms();
  t->deadline_ms = t->started_ms + t->timeout_ms;
  t->fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (t->fd < 0) {
    int err = errno;
    char detail[32];
    errno_detail(err, detail, sizeof detail);
    finish_attempt(t, t->mode == M_SCTP && protocol_missing(err) ? "unsupported" : "error", detail);
    return;
  }
  if (is_udp(t)) {
    int one = 1;
    if (family == AF_INET6) setsockopt(t->fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
    else setsockopt(t->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
    t->payload_len = (size_t)snprintf(t->payload, sizeof t->payload, PAYLOAD_PREFIX "%s %d\n", t->nonce, t->attempt);
  }
  if (connect(t->fd, (struct sockaddr *)&t->addr, t->addr_len) < 0) {
    if (errno != EINPROGRESS) finish_errno(t, errno);
    return;
  }
  if (!is_udp(t)) {
    finish_attempt(t, "connected", "-"); /* loopback can complete at once */
    return;
  }
  if (send(t->fd, t->payload, t->payload_len, MSG_NOSIGNAL) < 0) finish_errno(t, errno);
}

/* ICMP errors queued by IP_RECVERR: port unreachable is the destination refusing. */
static void finish_from_error_queue(struct task *t) {
  char control[512];
  char data[64];
  struct iovec iov = {data, sizeof data};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(t->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    finish_errno(t, err == 0 ? EPROTO : err);
    return;
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    int v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
    int v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    struct sock_extended_err ee;
    memcpy(&ee, CMSG_DATA(c), sizeof ee);
    char detail[40];
    if (ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
      snprintf(detail, sizeof detail, "%s-%u-%u", ee.ee_origin == SO_EE_ORIGIN_ICMP ? "icmp" : "icmp6", ee.ee_type,
               ee.ee_code);
      int port_unreachable = ee.ee_origin == SO_EE_ORIGIN_ICMP ? (ee.ee_type == 3 && ee.ee_code == 3)
                                                               : (ee.ee_type == 1 && ee.ee_code == 4);
      int dest_unreachable = ee.ee_origin == SO_EE_ORIGIN_ICMP ? ee.ee_type == 3 : ee.ee_type == 1;
      finish_attempt(t, port_unreachable ? "refused" : dest_unreachable ? "unreachable" : "error", detail);
      return;
    }
    errno_detail((int)ee.ee_errno, detail, sizeof detail);
    finish_attempt(t, word_of_errno((int)ee.ee_errno), detail);
    return;
  }
  finish_errno(t, EPROTO);
}

static void on_udp_readable(struct task *t) {
  char buf[256];
  for (;;) {
    ssize_t n = recv(t->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      finish_errno(t, errno);
      return;
    }
    if ((size_t)n == t->payload_len && memcmp(buf, t->payload, t->payload_len) == 0) {
      finish_attempt(t, "connected", "echo");
      return;
    }
    /* Not our echo (a stale reply of an earlier attempt, or noise): keep waiting. */
  }
}

static void on_probe_event(struct task *t, short revents) {
  if (is_udp(t)) {
    if (revents & POLLERR) finish_from_error_queue(t);
    else if (revents & POLLIN) on_udp_readable(t);
    return;
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == 0 && !(revents & POLLOUT)) return;
  finish_errno(t, err);
}

static void on_probe_deadline(struct task *t) {
  finish_attempt(t, t->mode == M_UDP_SEND ? "sent" : "timeout", "-");
}

/* ------------------------------------------------------------ captures */

static int raw4 = -1;
static int raw6 = -1;
static char capture_error[32];

static int open_raw(int family) {
  int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return -1;
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return fd;
}

static void open_captures(void) {
  int any = 0;
  for (long i = 0; i < task_count; i++) any |= tasks[i].mode == M_CAPTURE;
  if (!any) return;
  raw4 = open_raw(AF_INET);
  if (raw4 < 0) errno_detail(errno, capture_error, sizeof capture_error);
  raw6 = open_raw(AF_INET6); /* a namespace without IPv6 is fine */
}

/* "npa1 NONCE ATTEMPT" at the start of a payload: the attempt, or -1. */
static int attempt_in_payload(const struct task *t, const unsigned char *p, size_t n) {
  size_t prefix = strlen(PAYLOAD_PREFIX), nonce = strlen(t->nonce);
  if (n < prefix + nonce + 2 || memcmp(p, PAYLOAD_PREFIX, prefix) != 0) return -1;
  if (memcmp(p + prefix, t->nonce, nonce) != 0 || p[prefix + nonce] != ' ') return -1;
  int attempt = 0, digits = 0;
  for (size_t i = prefix + nonce + 1; i < n && p[i] >= '0' && p[i] <= '9' && digits < 4; i++, digits++) {
    attempt = attempt * 10 + (p[i] - '0');
  }
  return digits == 0 ? -1 : attempt;
}

static void match_datagram(const unsigned char *udp, size_t n) {
  if (n < 8) return;
  int port = (udp[2] << 8) | udp[3];
  const unsigned char *payload = udp + 8;
  size_t length = n - 8;
  long long now = now_ms();
  for (long i = 0; i < task_count; i++) {
    struct task *t = &tasks[i];
    if (t->mode != M_CAPTURE || t->state != S_ACTIVE || t->port != port) continue;
    int attempt = attempt_in_payload(t, payload, length);
    if (attempt < 0 || attempt >= t->attempts || t->seen[attempt]) continue;
    t->seen[attempt] = 1;
    t->seen_count++;
    report(t, attempt, "seen", now - t->started_ms, "-");
    if (t->seen_count == t->attempts) t->state = S_DONE;
  }
}

static void drain_raw(int fd, int family) {
  static unsigned char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return;
    if (family == AF_INET6) {
      match_datagram(buf, (size_t)n); /* IPv6 raw sockets start at the UDP header */
      continue;
    }
    if (n < 20 || buf[9] != IPPROTO_UDP) continue;
    size_t header = (size_t)(buf[0] & 0x0f) * 4;
    if ((size_t)n > header) match_datagram(buf + header, (size_t)n - header);
  }
}

static void close_capture(struct task *t) {
  long long now = now_ms();
  for (int a = 0; a < t->attempts; a++) {
    if (!t->seen[a]) report(t, a, "not-seen", now - t->started_ms, "-");
  }
  t->state = S_DONE;
}

/* ------------------------------------------------------------ the loop */

static long max_active_probes(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    rlim_t want = limit.rlim_max < 65536 ? limit.rlim_max : 65536;
    if (limit.rlim_cur < want) {
      limit.rlim_cur = want;
      setrlimit(RLIMIT_NOFILE, &limit);
      getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur > 64) return (long)limit.rlim_cur - 32;
  }
  return 32;
}

static void start_tasks(void) {
  long long now = now_ms();
  for (long i = 0; i < task_count; i++) {
    struct task *t = &tasks[i];
    if (t->mode != M_CAPTURE) continue;
    t->started_ms = now;
    t->deadline_ms = now + t->timeout_ms;
    if (raw4 < 0) {
      for (int a = 0; a < t->attempts; a++) report(t, a, "error", 0, capture_error);
      t->state = S_DONE;
    } else {
      t->state = S_ACTIVE;
    }
  }
}

static void run(void) {
  long max_active = max_active_probes();
  struct pollfd *fds = calloc((size_t)task_count + 2, sizeof *fds);
  long *owner = calloc((size_t)task_count + 2, sizeof *owner);
  if (fds == NULL || owner == NULL) fatal("out of memory");
  start_tasks();
  long active = 0;
  for (;;) {
    /* Start queued attempts while there is room; a finished attempt requeues its task. */
    for (long i = 0; i < task_count && active < max_active; i++) {
      struct task *t = &tasks[i];
      while (t->mode != M_CAPTURE && t->state == S_QUEUED && active < max_active) {
        start_attempt(t);
        if (t->state == S_ACTIVE) active++;
      }
    }
    nfds_t n = 0;
    long long now = now_ms(), wake = -1;
    int pending = 0, capturing = 0;
    for (long i = 0; i < task_count; i++) {
      struct task *t = &tasks[i];
      if (t->state == S_DONE) continue;
      pending = 1;
      if (t->state != S_ACTIVE) continue;
      if (t->deadline_ms <= now) {
        if (t->mode == M_CAPTURE) close_capture(t);
        else {
          on_probe_deadline(t);
          active--;
        }
        wake = now; /* come round again at once to start what is queued */
        continue;
      }
      if (wake < 0 || t->deadline_ms < wake) wake = t->deadline_ms;
      if (t->mode == M_CAPTURE) {
        capturing = 1;
        continue;
      }
      fds[n].fd = t->fd;
      fds[n].events = is_udp(t) ? POLLIN : POLLOUT;
      fds[n].revents = 0;
      owner[n++] = i;
    }
    if (!pending) break;
    if (capturing && raw4 >= 0) {
      fds[n] = (struct pollfd){.fd = raw4, .events = POLLIN};
      owner[n++] = -1;
    }
    if (capturing && raw6 >= 0) {
      fds[n] = (struct pollfd){.fd = raw6, .events = POLLIN};
      owner[n++] = -2;
    }
    int timeout = wake < 0 ? 1000 : (int)(wake - now < 0 ? 0 : wake - now);
    int ready = poll(fds, n, timeout);
    if (ready < 0 && errno != EINTR) fatal("poll: %s", strerror(errno));
    for (nfds_t k = 0; k < n && ready > 0; k++) {
      if (fds[k].revents == 0) continue;
      if (owner[k] == -1) drain_raw(raw4, AF_INET);
      else if (owner[k] == -2) drain_raw(raw6, AF_INET6);
      else {
        struct task *t = &tasks[owner[k]];
        on_probe_event(t, fds[k].revents);
        if (t->state != S_ACTIVE) active--;
      }
    }
  }
  free(fds);
  free(owner);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    puts(VERSION);
    return 0;
  }
  if (argc != 1) {
    fputs("usage: netpol-probe < TASKS   (see the comment at the top of netpol-probe.c)\n", stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  int ended = read_tasks();
  open_captures();
  puts("ready");
  if (!ended) wait_for_go();
  run();
  return 0;
}
