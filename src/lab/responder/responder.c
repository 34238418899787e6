/*
 * netpol-assert lab responder: one small process per pod (or outside host), started
 * inside its network namespace.
 *
 *   responder --serve SPEC...        SPEC = tcp:PORT | udp:PORT | sctp:PORT
 *       TCP/SCTP: accept, send a short banner, close.  UDP: echo each datagram to its
 *       sender, from the address it was sent to.  Prints one line
 *       "ready [skipped SPEC...]" on stdout once every socket is bound (SPECs whose
 *       protocol the kernel lacks are skipped), then detaches stdio from the caller.
 *
 *   responder --probe PROTO ADDR PORT [--timeout-ms N]
 *   responder --probe-batch [--timeout-ms N]     one "PROTO ADDR PORT" per stdin line
 *       Prints one word per probe, in input order:
 *       connected | refused | timeout | unreachable | unsupported | error:<reason>
 *       TCP/SCTP connected = handshake completed; UDP connected = the datagram came back.
 *       Batch probes run concurrently, so a batch takes about one timeout.
 *
 * Small on purpose (about 1 MB resident): no threads, no heap in the serving loop.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#define MAX_SOCKETS 256
#define MAX_PROBES 4096
#define MAX_IN_FLIGHT 512
#define BANNER "netpol-assert responder\n"

enum proto { P_TCP, P_UDP, P_SCTP };

static int parse_proto(const char *s, enum proto *out) {
  if (strcmp(s, "tcp") == 0) *out = P_TCP;
  else if (strcmp(s, "udp") == 0) *out = P_UDP;
  else if (strcmp(s, "sctp") == 0) *out = P_SCTP;
  else return -1;
  return 0;
}

static int parse_port(const char *s) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 1 || v > 65535) return -1;
  return (int)v;
}

static int sock_type(enum proto p) { return p == P_UDP ? SOCK_DGRAM : SOCK_STREAM; }
static int sock_proto(enum proto p) { return p == P_SCTP ? IPPROTO_SCTP : 0; }

static int protocol_missing(int err) {
  return err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT || err == EAFNOSUPPORT;
}

/* ---------------------------------------------------------------- serving */

struct listener {
  int fd;
  enum proto proto;
  int family;
};

static struct listener listeners[MAX_SOCKETS];
static int listener_count;

/* Opens one listening socket; returns 0, 1 when the protocol/family is missing, -1 on error. */
static int open_listener(enum proto proto, int family, int port) {
  int fd = socket(family, sock_type(proto) | SOCK_NONBLOCK | SOCK_CLOEXEC, sock_proto(proto));
  if (fd < 0) return protocol_missing(errno) ? 1 : -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  if (family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((unsigned short)port);
    a->sin6_addr = in6addr_any;
    len = sizeof *a;
    if (proto == P_UDP) setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)port);
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    len = sizeof *a;
    if (proto == P_UDP) setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  }
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    int err = errno;
    close(fd);
    /* An IPv6 socket in a namespace without IPv6 addresses is not a failure. */
    if (family == AF_INET6 && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)) return 1;
    errno = err;
    return -1;
  }
  if (proto != P_UDP && listen(fd, 128) < 0) {
    close(fd);
    return -1;
  }
  if (listener_count >= MAX_SOCKETS) {
    close(fd);
    errno = EMFILE;
    return -1;
  }
  listeners[listener_count].fd = fd;
  listeners[listener_count].proto = proto;
  listeners[listener_count].family = family;
  listener_count++;
  return 0;
}

static void accept_and_close(int lfd) {
  for (;;) {
    int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    (void)!send(c, BANNER, sizeof BANNER - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(c);
  }
}

/* Echoes pending datagrams back to their senders, from the address each was sent to. */
static void echo_datagrams(int fd, int family) {
  static char buf[65536];
  for (;;) {
    struct sockaddr_storage peer;
    char control[256];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {0};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) return;
    char reply_control[256];
    memset(reply_control, 0, sizeof reply_control);
    struct msghdr reply = {0};
    struct iovec riov = {buf, (size_t)n};
    reply.msg_name = &peer;
    reply.msg_namelen = msg.msg_namelen;
    reply.msg_iov = &riov;
    reply.msg_iovlen = 1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      if (family == AF_INET && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo in = *(struct in_pktinfo *)CMSG_DATA(c);
        reply.msg_control = reply_control;
        reply.msg_controllen = CMSG_SPACE(sizeof in);
        struct cmsghdr *r = CMSG_FIRSTHDR(&reply);
        r->cmsg_level = IPPROTO_IP;
        r->cmsg_type = IP_PKTINFO;
        r->cmsg_len = CMSG_LEN(sizeof in);
        in.ipi_ifindex = 0;
        in.ipi_spec_dst = in.ipi_addr;
        memcpy(CMSG_DATA(r), &in, sizeof in);
      } else if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo in6 = *(struct in6_pktinfo *)CMSG_DATA(c);
        reply.msg_control = reply_control;
        reply.msg_controllen = CMSG_SPACE(sizeof in6);
        struct cmsghdr *r = CMSG_FIRSTHDR(&reply);
        r->cmsg_level = IPPROTO_IPV6;
        r->cmsg_type = IPV6_PKTINFO;
        r->cmsg_len = CMSG_LEN(sizeof in6);
        in6.ipi6_ifindex = 0;
        memcpy(CMSG_DATA(r), &in6, sizeof in6);
      }
    }
    (void)!sendmsg(fd, &reply, MSG_DONTWAIT | MSG_NOSIGNAL);
  }
}

static void detach_stdio(void) {
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return;
  dup2(devnull, STDIN_FILENO);
  dup2(devnull, STDOUT_FILENO);
  dup2(devnull, STDERR_FILENO);
  if (devnull > STDERR_FILENO) close(devnull);
}

static int serve(int argc, char **argv) {
  char skipped[4096] = "";
  for (int i = 0; i < argc; i++) {
    char spec[32];
    if (strlen(argv[i]) >= sizeof spec) goto bad_spec;
    strcpy(spec, argv[i]);
    char *colon = strchr(spec, ':');
    if (colon == NULL) goto bad_spec;
    *colon = '\0';
    enum proto proto;
    int port = parse_port(colon + 1);
    if (parse_proto(spec, &proto) < 0 || port < 0) goto bad_spec;
    int v4 = open_listener(proto, AF_INET, port);
    if (v4 < 0) {
      fprintf(stderr, "responder: cannot listen on %s: %s\n", argv[i], strerror(errno));
      return 1;
    }
    if (v4 == 1) {
      if (strlen(skipped) + strlen(argv[i]) + 2 < sizeof skipped) {
        strcat(skipped, " ");
        strcat(skipped, argv[i]);
      }
      continue;
    }
    if (open_listener(proto, AF_INET6, port) < 0) {
      fprintf(stderr, "responder: cannot listen on %s (IPv6): %s\n", argv[i], strerror(errno));
      return 1;
    }
    continue;
  bad_spec:
    fprintf(stderr, "responder: bad listen spec '%s' (want tcp:PORT, udp:PORT or sctp:PORT)\n", argv[i]);
    return 2;
  }
  printf(skipped[0] ? "ready skipped%s\n" : "ready\n", skipped);
  fflush(stdout);
  detach_stdio();

  struct pollfd fds[MAX_SOCKETS];
  for (int i = 0; i < listener_count; i++) {
    fds[i].fd = listeners[i].fd;
    fds[i].events = POLLIN;
  }
  for (;;) {
    int n = poll(fds, (nfds_t)listener_count, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < listener_count && n > 0; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      if (listeners[i].proto == P_UDP) echo_datagrams(listeners[i].fd, listeners[i].family);
      else accept_and_close(listeners[i].fd);
    }
  }
}

/* ---------------------------------------------------------------- probing */

enum outcome { O_PENDING, O_CONNECTED, O_REFUSED, O_TIMEOUT, O_UNREACHABLE, O_UNSUPPORTED, O_ERROR };

struct probe {
  enum proto proto;
  struct sockaddr_storage addr;
  socklen_t addr_len;
  int fd;
  enum outcome outcome;
  char detail[48];
  char payload[40];
  size_t payload_len;
};

static struct probe probes[MAX_PROBES];
static int probe_count;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum outcome outcome_of_errno(int err, char *detail, size_t size) {
  switch (err) {
  case 0: return O_CONNECTED;
  case ECONNREFUSED: return O_REFUSED;
  case ETIMEDOUT: return O_TIMEOUT;
  case EHOSTUNREACH:
  case ENETUNREACH:
  case EHOSTDOWN:
  case ENETDOWN:
  case EACCES:
  case EPERM: return O_UNREACHABLE;
  default: snprintf(detail, size, "%s", strerrorname_np(err) ? strerrorname_np(err) : "unknown"); return O_ERROR;
  }
}

static int parse_probe(struct probe *p, const char *proto, const char *addr, const char *port_s, int index) {
  memset(p, 0, sizeof *p);
  p->fd = -1;
  int port = parse_port(port_s);
  if (parse_proto(proto, &p->proto) < 0 || port < 0) return -1;
  struct sockaddr_in *a4 = (struct sockaddr_in *)&p->addr;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&p->addr;
  if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((unsigned short)port);
    p->addr_len = sizeof *a4;
  } else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((unsigned short)port);
    p->addr_len = sizeof *a6;
  } else {
    return -1;
  }
  p->payload_len = (size_t)snprintf(p->payload, sizeof p->payload, "npa-probe %d %ld %d", index, (long)getpid(), rand());
  return 0;
}

static void finish(struct probe *p, enum outcome o) {
  p->outcome = o;
  if (p->fd >= 0) close(p->fd);
  p->fd = -1;
}

static void start_probe(struct probe *p) {
  int family = p->addr.ss_family;
  p->fd = socket(family, sock_type(p->proto) | SOCK_NONBLOCK | SOCK_CLOEXEC, sock_proto(p->proto));
  if (p->fd < 0) {
    if (protocol_missing(errno)) finish(p, O_UNSUPPORTED);
    else finish(p, outcome_of_errno(errno, p->detail, sizeof p->detail));
    return;
  }
  if (connect(p->fd, (struct sockaddr *)&p->addr, p->addr_len) < 0 && errno != EINPROGRESS) {
    finish(p, outcome_of_errno(errno, p->detail, sizeof p->detail));
    return;
  }
  if (p->proto == P_UDP && send(p->fd, p->payload, p->payload_len, MSG_NOSIGNAL) < 0) {
    finish(p, outcome_of_errno(errno, p->detail, sizeof p->detail));
  }
}

/* Called when poll reports the probe's socket ready. */
static void advance_probe(struct probe *p, short revents) {
  if (p->proto != P_UDP) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    if (err == 0 && !(revents & POLLOUT)) return;
    finish(p, outcome_of_errno(err, p->detail, sizeof p->detail));
    return;
  }
  char buf[64];
  ssize_t n = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    finish(p, outcome_of_errno(errno, p->detail, sizeof p->detail));
    return;
  }
  if ((size_t)n == p->payload_len && memcmp(buf, p->payload, p->payload_len) == 0) finish(p, O_CONNECTED);
  /* Anything else is not our echo: keep waiting. */
}

static void run_probes(int timeout_ms) {
  static struct pollfd fds[MAX_IN_FLIGHT];
  static int slot_probe[MAX_IN_FLIGHT];
  int next = 0;
  while (next < probe_count) {
    /* Start a wave of probes, then wait for all of them. */
    int wave = 0;
    while (next < probe_count && wave < MAX_IN_FLIGHT) {
      struct probe *p = &probes[next];
      start_probe(p);
      if (p->outcome == O_PENDING) slot_probe[wave++] = next;
      next++;
    }
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
      int nfds = 0;
      for (int i = 0; i < wave; i++) {
        struct probe *p = &probes[slot_probe[i]];
        if (p->outcome != O_PENDING) continue;
        fds[nfds].fd = p->fd;
        fds[nfds].events = p->proto == P_UDP ? POLLIN : POLLOUT;
        fds[nfds].revents = 0;
        slot_probe[nfds] = slot_probe[i];
        nfds++;
      }
      wave = nfds;
      long long left = deadline - now_ms();
      if (nfds == 0) break;
      if (left <= 0) {
        for (int i = 0; i < nfds; i++) finish(&probes[slot_probe[i]], O_TIMEOUT);
        break;
      }
      int n = poll(fds, (nfds_t)nfds, (int)left);
      if (n < 0 && errno != EINTR) {
        for (int i = 0; i < nfds; i++) finish(&probes[slot_probe[i]], O_ERROR);
        break;
      }
      for (int i = 0; i < nfds; i++) {
        if (fds[i].revents) advance_probe(&probes[slot_probe[i]], fds[i].revents);
      }
    }
  }
}

static const char *outcome_word(enum outcome o) {
  switch (o) {
  case O_CONNECTED: return "connected";
  case O_REFUSED: return "refused";
  case O_TIMEOUT: return "timeout";
  case O_UNREACHABLE: return "unreachable";
  case O_UNSUPPORTED: return "unsupported";
  case O_ERROR: return "error";
  case O_PENDING: return "error";
  }
  return "error";
}

static void print_outcomes(void) {
  for (int i = 0; i < probe_count; i++) {
    struct probe *p = &probes[i];
    if (p->outcome == O_ERROR && p->detail[0]) printf("error:%s\n", p->detail);
    else if (p->outcome == O_ERROR) printf("error:probe\n");
    else printf("%s\n", outcome_word(p->outcome));
  }
  fflush(stdout);
}

static int read_batch(void) {
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL) {
    char proto[16], addr[64], port[16], extra[2];
    if (line[0] == '\n' || line[0] == '\0') continue;
    int got = sscanf(line, "%15s %63s %15s %1s", proto, addr, port, extra);
    if (probe_count >= MAX_PROBES) {
      fprintf(stderr, "responder: more than %d probes\n", MAX_PROBES);
      return -1;
    }
    if (got != 3 || parse_probe(&probes[probe_count], proto, addr, port, probe_count) < 0) {
      fprintf(stderr, "responder: bad probe line %d (want PROTO ADDR PORT)\n", probe_count + 1);
      return -1;
    }
    probe_count++;
  }
  return 0;
}

static int parse_timeout(const char *s) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 1 || v > 600000) return -1;
  return (int)v;
}

static int usage(void) {
  fputs("usage: responder --serve SPEC...\n"
        "       responder --probe PROTO ADDR PORT [--timeout-ms N]\n"
        "       responder --probe-batch [--timeout-ms N]   (PROTO ADDR PORT lines on stdin)\n",
        stderr);
  return 2;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  srand((unsigned)(now_ms() ^ getpid()));
  if (argc >= 2 && strcmp(argv[1], "--serve") == 0) return serve(argc - 2, argv + 2);

  int timeout_ms = 1000;
  int batch = 0;
  const char *single[3] = {NULL, NULL, NULL};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
      timeout_ms = parse_timeout(argv[++i]);
      if (timeout_ms < 0) return usage();
    } else if (strcmp(argv[i], "--probe-batch") == 0) {
      batch = 1;
    } else if (strcmp(argv[i], "--probe") == 0 && i + 3 < argc) {
      single[0] = argv[i + 1];
      single[1] = argv[i + 2];
      single[2] = argv[i + 3];
      i += 3;
    } else {
      return usage();
    }
  }
  if (batch == (single[0] != NULL)) return usage();
  if (batch) {
    if (read_batch() < 0) return 2;
  } else {
    if (parse_probe(&probes[0], single[0], single[1], single[2], 0) < 0) return usage();
    probe_count = 1;
  }
  run_probes(timeout_ms);
  print_outcomes();
  return 0;
}
