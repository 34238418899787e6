/*
 * netpol-assert lab responder: one small process per pod (or outside host), started
 * inside its network namespace.
 *
 *   responder [--silent-udp] --serve SPEC...        SPEC = tcp:PORT | udp:PORT | sctp:PORT
 *       TCP/SCTP: accept, send a short banner, close.  UDP: echo each datagram to its
 *       sender, from the address it was sent to; with --silent-udp, read and drop it (a
 *       bound port that never answers, as most UDP services to a probe).  Prints one line
 *       "ready [skipped SPEC...]" on stdout once every socket is bound (SPECs whose
 *       protocol the kernel lacks are skipped), then detaches stdio from the caller.
 *
 * It only answers; probing is netpol-probe's (agent/native/netpol-probe.c), in the lab's
 * tests as in the agent.
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
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#define MAX_SOCKETS 256
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

/* Reads and drops pending datagrams: the port stays bound (no ICMP port-unreachable) and silent. */
static void drop_datagrams(int fd) {
  static char buf[65536];
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) >= 0) {
  }
}

static int silent_udp = 0;

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
      if (listeners[i].proto == P_UDP && silent_udp) drop_datagrams(listeners[i].fd);
      else if (listeners[i].proto == P_UDP) echo_datagrams(listeners[i].fd, listeners[i].family);
      else accept_and_close(listeners[i].fd);
    }
  }
}

static int usage(void) {
  fputs("usage: responder [--silent-udp] --serve SPEC...   (SPEC = tcp:PORT | udp:PORT | sctp:PORT)\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && strcmp(argv[1], "--silent-udp") == 0) {
    silent_udp = 1;
    argc--;
    argv++;
  }
  if (argc >= 2 && strcmp(argv[1], "--serve") == 0) return serve(argc - 2, argv + 2);
  return usage();
}
