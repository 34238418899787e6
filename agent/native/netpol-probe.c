/*
 * netpol-probe: carries out a batch's probes for netpol-assert-agent, from inside the
 * network namespaces they name.
 *
 * The agent starts one per batch and writes its task list on stdin, one task per line,
 * then the line "end":
 *     netns PATH
 *     probe IDX tcp|udp|udp-send|sctp|dns-udp|dns-tcp ADDR PORT TIMEOUT_MS ATTEMPTS NONCE
 *     capture IDX PORT TIMEOUT_MS ATTEMPTS NONCE
 * A task runs in the namespace of the last "netns" line before it (PATH is the rest of
 * the line, e.g. /proc/<pid>/ns/net), or in the helper's own without one. A socket stays
 * in the namespace it was made in, so the helper enters each namespace (setns, which
 * needs CAP_SYS_ADMIN) only to make its sockets: one process for every namespace of a
 * batch, instead of an nsenter and a helper per namespace. A namespace it cannot open
 * or enter gets the line
 *     netns-failed K ERRNO
 * (K counts the "netns" lines from 0) and its tasks are not run: the agent fails them
 * with why. It opens the capture sockets, prints "ready", waits for the line "go" (or
 * end of input), then runs every task concurrently (non-blocking sockets, one poll loop)
 * and prints one line per attempt as soon as it is known:
 *     result IDX ATTEMPT WORD ELAPSED_MS DETAIL
 * WORD for probes: connected | refused | timeout | unreachable | unsupported | sent | error;
 * for captures: seen | not-seen | error. DETAIL is an errno or ICMP name, or "-".
 * A probe's attempts run one after another (a policy may race its own enforcement);
 * different probes run at the same time, so a batch takes about one timeout per attempt.
 * Within an attempt a lost packet is sent again, as a lossy network needs: a UDP
 * datagram or DNS query goes again every RESEND_MS until answered, and a TCP or SCTP
 * handshake not answered after RESEND_MS is joined by another on a new socket, at most
 * MAX_EXTRA more, each after twice the wait of the one before (200, 600, 1400 ms; the
 * kernel resends a SYN only after 1 s). The first handshake to end decides. A policy
 * drops them all alike, so a deny still times out; only an allow gets more chances.
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
 *   dns-udp     a DNS query (A, kubernetes.default.svc.cluster.local., RD, a random ID
 *               per attempt) on a connected UDP socket: any well-formed DNS response
 *               carrying the query's ID and question is connected (DETAIL dns-RCODE, so
 *               NXDOMAIN, REFUSED, SERVFAIL count: they prove delivery both ways), and so
 *               is the query coming back unchanged (an echo responder; DETAIL echo). A
 *               reply that is neither does not count: the attempt waits on, and ends in
 *               error (dns-malformed, dns-wrong-id) instead of timeout. ICMP as for udp.
 *   dns-tcp     the handshake as for tcp, then the same query with its 2-byte length
 *               prefix: a response (or echo) is connected; after a handshake, a close, a
 *               reply that is not one, or silence until the deadline is error
 *               (dns-closed, dns-malformed, dns-wrong-id, dns-no-reply).
 *   capture     raw UDP sockets (IPv4 and IPv6; CAP_NET_RAW) see each datagram delivered
 *               to this namespace after its own netfilter input hook; an attempt is "seen"
 *               when a datagram to PORT carries "npa1 NONCE ATTEMPT". TIMEOUT_MS is the
 *               longest listening window, counted from "go"; after "go" the line
 *                   stop IDX GRACE_MS
 *               ends capture IDX GRACE_MS from then (its sender is done: only datagrams
 *               still in flight can come), each attempt not seen by then "not-seen".
 *               Other lines after "go" are ignored; end of input ends nothing.
 *
 * Exit status: 0 after every task reported, 2 on bad input (a line "fatal ..." says why).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec (musl defines it only here) */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#define VERSION "netpol-probe 1"
#define MAX_TASKS 200000
#define MAX_NETNS 4096
#define MAX_ATTEMPTS 100
#define MAX_NONCE 64
#define MAX_TIMEOUT_MS 100000000
#define PAYLOAD_PREFIX "npa1 "
#define DNS_QUERY_MAX 128 /* the query and TCP's 2-byte length prefix */
#define RESEND_MS 200
#define MAX_EXTRA 3

enum mode { M_TCP, M_UDP, M_UDP_SEND, M_SCTP, M_DNS_UDP, M_DNS_TCP, M_CAPTURE };
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
  /* What the attempt sends: "npa1 NONCE ATTEMPT\n" (udp), or a DNS query (with its length prefix for dns-tcp). */
  unsigned char payload[DNS_QUERY_MAX];
  size_t payload_len;
  size_t payload_sent;   /* dns-tcp: bytes of the query written so far */
  int handshaken;        /* dns-tcp: the connection is up, the query goes out or its reply comes in */
  unsigned char *reply;  /* dns-tcp: the reply as it arrives, once its length prefix is known */
  size_t reply_len;      /* its announced length */
  size_t reply_got;      /* bytes read so far, the 2-byte prefix included */
  unsigned char prefix[2];
  char problem[24];      /* dns: the first reply that did not count, reported at the deadline */
  unsigned char *seen; /* captures: one flag per attempt */
  int seen_count;
  int ns; /* the namespace it runs in: an index into namespaces */
  long long resend_ms;   /* when the datagram goes again or another handshake starts; 0: never */
  int resend_gap_ms;     /* handshakes: the wait before the next one, doubled each time */
  int extra[MAX_EXTRA];  /* handshakes started after the first, still pending */
  int extra_count;
};

static struct task *tasks;
static long task_count;
static long task_capacity;
static long extra_open;   /* sockets of extra handshakes, every task's */
static long extra_budget; /* extras start only while attempts and extras hold fewer sockets */

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

/* ------------------------------------------------------------ namespaces */

/* 0 is the helper's own namespace; 1.. one per "netns" line, in order. */
struct netns {
  int fd;     /* the namespace file, open; -1 when it could not be */
  int failed; /* errno of opening or entering it: its tasks are not run */
  int raw4, raw6;
  char capture_error[32];
};

static struct netns *namespaces;
static int netns_count;
static int current_netns; /* the namespace the helper is in now */
static int task_netns;    /* the namespace of the tasks being read */

static void add_netns(int fd, int failed) {
  namespaces = realloc(namespaces, (size_t)(netns_count + 1) * sizeof *namespaces);
  if (namespaces == NULL) fatal("out of memory");
  namespaces[netns_count] = (struct netns){.fd = fd, .failed = failed, .raw4 = -1, .raw6 = -1};
  netns_count++;
}

/* "netns PATH": the namespace of the tasks that follow. */
static void parse_netns(const char *path, long line_number) {
  if (netns_count > MAX_NETNS) fatal("line %ld: more than %d namespaces", line_number, MAX_NETNS);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  add_netns(fd, fd < 0 ? errno : 0);
  task_netns = netns_count - 1;
}

/* Enters namespace i, to make a socket there: 0, or the errno why not. */
static int enter_netns(int i) {
  if (i == current_netns) return 0;
  struct netns *ns = &namespaces[i];
  if (ns->failed) return ns->failed;
  if (ns->fd < 0) return EBADF;
  if (setns(ns->fd, CLONE_NEWNET) < 0) return errno;
  current_netns = i;
  return 0;
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
  t->ns = task_netns;
  return t;
}

static int parse_mode(const char *s, enum mode *out) {
  if (strcmp(s, "tcp") == 0) *out = M_TCP;
  else if (strcmp(s, "udp") == 0) *out = M_UDP;
  else if (strcmp(s, "udp-send") == 0) *out = M_UDP_SEND;
  else if (strcmp(s, "sctp") == 0) *out = M_SCTP;
  else if (strcmp(s, "dns-udp") == 0) *out = M_DNS_UDP;
  else if (strcmp(s, "dns-tcp") == 0) *out = M_DNS_TCP;
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
    fatal("line %ld: want 'probe IDX tcp|udp|udp-send|sctp|dns-udp|dns-tcp ADDR PORT TIMEOUT_MS ATTEMPTS NONCE'",
          line_number);
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

/*
 * stdin, read with read(2) rather than stdio: after "go" it is polled for "stop" lines,
 * and a line already in a stdio buffer is one poll(2) never reports.
 */
static char *input;
static size_t input_start, input_len, input_capacity;
static int input_ended;

/* One read(2) into the buffer; sets input_ended at end of input (or on an error). */
static void read_input(void) {
  if (input_start > 0) {
    memmove(input, input + input_start, input_len - input_start);
    input_len -= input_start;
    input_start = 0;
  }
  if (input_capacity - input_len < 4096) {
    input_capacity = input_capacity ? input_capacity * 2 : 65536;
    input = realloc(input, input_capacity);
    if (input == NULL) fatal("out of memory");
  }
  ssize_t n = read(STDIN_FILENO, input + input_len, input_capacity - input_len - 1);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) input_ended = 1;
  else input_len += (size_t)n;
}

/* The next whole line, without its newline, if the buffer holds one (at end of input, what is left). */
static char *take_line(void) {
  if (input == NULL) return NULL;
  char *start = input + input_start;
  char *newline = input_len > input_start ? memchr(start, '\n', input_len - input_start) : NULL;
  if (newline == NULL) {
    if (!input_ended || input_len == input_start) return NULL;
    input[input_len] = '\0'; /* read_input keeps one byte free for this */
    input_start = input_len;
    return start;
  }
  *newline = '\0';
  input_start = (size_t)(newline - input) + 1;
  return start;
}

/* Blocks until a line comes; NULL at end of input. */
static char *read_line(void) {
  for (;;) {
    char *line = take_line();
    if (line != NULL || input_ended) return line;
    read_input();
  }
}

/* Reads task lines until "end" (or end of input); returns 1 when input ended there. */
static int read_tasks(void) {
  long line_number = 0;
  char *line;
  while ((line = read_line()) != NULL) {
    line_number++;
    if (strncmp(line, "netns ", 6) == 0) {
      parse_netns(line + 6, line_number);
      continue;
    }
    char *words[12];
    int n = split_words(line, words, 12);
    if (n == 1) continue;
    if (strcmp(words[0], "end") == 0) return 0;
    if (strcmp(words[0], "probe") == 0) parse_probe(words, n, line_number);
    else if (strcmp(words[0], "capture") == 0) parse_capture(words, n, line_number);
    else fatal("line %ld: unknown task '%s'", line_number, words[0]);
  }
  return 1;
}

/* Blocks until "go" or end of input: the agent says go once every capture is listening. */
static void wait_for_go(void) {
  char *line;
  while ((line = read_line()) != NULL) {
    if (strncmp(line, "go", 2) == 0) break;
  }
}

/* ------------------------------------------------------------ DNS messages (RFC 1035) */

/* The question every DNS probe asks. Any server answers it: from its zone, or with an error code. */
static const char DNS_QUESTION_NAME[] = "kubernetes.default.svc.cluster.local";
#define DNS_HEADER_LEN 12
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_RD 0x0100
#define DNS_TYPE_A 1
#define DNS_CLASS_IN 1

enum dns_reply { DNS_RESPONSE, DNS_ECHO, DNS_WRONG_ID, DNS_MALFORMED };

static unsigned get16(const unsigned char *p) { return ((unsigned)p[0] << 8) | p[1]; }

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/* A random query ID: an answer must carry it. */
static unsigned dns_random_id(void) {
  unsigned short id;
  if (getrandom(&id, sizeof id, GRND_NONBLOCK) == (ssize_t)sizeof id) return id;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (unsigned)(ts.tv_nsec ^ (ts.tv_nsec >> 16) ^ getpid()) & 0xffff;
}

/* The query (header and one question, no TCP prefix) into out; its length, or 0 when it does not fit. */
static size_t dns_encode_query(unsigned char *out, size_t size, unsigned id) {
  size_t name_len = strlen(DNS_QUESTION_NAME);
  size_t need = DNS_HEADER_LEN + name_len + 2 + 4; /* labels: one length byte each, and the root */
  if (need > size) return 0;
  memset(out, 0, DNS_HEADER_LEN);
  put16(out, id);
  put16(out + 2, DNS_FLAG_RD);
  put16(out + 4, 1); /* QDCOUNT */
  size_t pos = DNS_HEADER_LEN;
  const char *label = DNS_QUESTION_NAME;
  while (*label != '\0') {
    const char *dot = strchr(label, '.');
    size_t len = dot == NULL ? strlen(label) : (size_t)(dot - label);
    if (len == 0 || len > 63) return 0;
    out[pos++] = (unsigned char)len;
    memcpy(out + pos, label, len);
    pos += len;
    label += len + (dot == NULL ? 0 : 1);
  }
  out[pos++] = 0;
  put16(out + pos, DNS_TYPE_A);
  put16(out + pos + 2, DNS_CLASS_IN);
  return pos + 4;
}

/*
 * Steps over a name at *pos, within n: labels of 1-63 bytes, at most 255 bytes in all, or
 * a compression pointer, which must point back into the message before this name.
 */
static int dns_skip_name(const unsigned char *m, size_t n, size_t *pos) {
  size_t start = *pos, p = *pos, total = 1;
  for (;;) {
    if (p >= n) return -1;
    unsigned len = m[p];
    if ((len & 0xc0) == 0xc0) {
      if (p + 1 >= n) return -1;
      size_t target = ((size_t)(len & 0x3f) << 8) | m[p + 1];
      if (target < DNS_HEADER_LEN || target >= start) return -1;
      *pos = p + 2;
      return 0;
    }
    if ((len & 0xc0) != 0) return -1; /* label types 01 and 10 are not in use */
    p++;
    if (len == 0) {
      *pos = p;
      return 0;
    }
    total += len + 1;
    if (total > 255 || len > n - p) return -1;
    p += len;
  }
}

/* Steps over count resource records (name, type, class, TTL, RDLENGTH, RDATA), within n. */
static int dns_skip_records(const unsigned char *m, size_t n, size_t *pos, unsigned long count) {
  for (unsigned long i = 0; i < count; i++) {
    if (dns_skip_name(m, n, pos) < 0 || n - *pos < 10) return -1;
    size_t rdlength = get16(m + *pos + 8);
    *pos += 10;
    if (rdlength > n - *pos) return -1;
    *pos += rdlength;
  }
  return 0;
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* The reply's question is the query's: the same name (ignoring ASCII case), type and class. */
static int dns_same_question(const unsigned char *reply, const unsigned char *query, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (ascii_lower(reply[i]) != ascii_lower(query[i])) return 0;
  }
  return 1;
}

/*
 * What a reply to query is. A response: QR set, opcode QUERY, the query's ID, no question
 * or the query's question, and every record within the message and nothing after them;
 * *rcode is then its RCODE. An echo: the query itself, byte for byte.
 */
static enum dns_reply dns_check_reply(const unsigned char *m, size_t n, const unsigned char *query, size_t query_len,
                                      int *rcode) {
  if (n == query_len && memcmp(m, query, n) == 0) return DNS_ECHO;
  if (n < DNS_HEADER_LEN || query_len < DNS_HEADER_LEN) return DNS_MALFORMED;
  if (get16(m) != get16(query)) return DNS_WRONG_ID;
  unsigned flags = get16(m + 2);
  unsigned questions = get16(m + 4);
  unsigned long records = (unsigned long)get16(m + 6) + get16(m + 8) + get16(m + 10);
  if (!(flags & DNS_FLAG_QR) || ((flags >> 11) & 0xf) != 0 || questions > 1) return DNS_MALFORMED;
  size_t pos = DNS_HEADER_LEN;
  if (questions == 1) {
    size_t question_len = query_len - DNS_HEADER_LEN;
    if (n - pos < question_len || !dns_same_question(m + pos, query + pos, question_len)) return DNS_MALFORMED;
    pos += question_len;
  }
  if (dns_skip_records(m, n, &pos, records) < 0 || pos != n) return DNS_MALFORMED;
  *rcode = (int)(flags & 0xf);
  return DNS_RESPONSE;
}

static const char *dns_rcode_detail(int rcode, char *out, size_t size) {
  static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  if (rcode >= 0 && rcode < (int)(sizeof names / sizeof names[0])) snprintf(out, size, "dns-%s", names[rcode]);
  else snprintf(out, size, "dns-rcode-%d", rcode);
  return out;
}

/* ------------------------------------------------------------ probes */

static void close_extras(struct task *t) {
  for (int e = 0; e < t->extra_count; e++) close(t->extra[e]);
  extra_open -= t->extra_count;
  t->extra_count = 0;
  t->resend_ms = 0;
}

static void finish_attempt(struct task *t, const char *word, const char *detail) {
  long long now = now_ms();
  close_extras(t);
  if (t->fd >= 0) close(t->fd);
  t->fd = -1;
  free(t->reply);
  t->reply = NULL;
  report(t, t->attempt, word, now - t->started_ms, detail);
  t->attempt++;
  t->state = t->attempt >= t->attempts ? S_DONE : S_QUEUED;
}

static void finish_errno(struct task *t, int err) {
  char detail[32];
  errno_detail(err, detail, sizeof detail);
  finish_attempt(t, word_of_errno(err), err == 0 ? "-" : detail);
}

static int is_udp(const struct task *t) { return t->mode == M_UDP || t->mode == M_UDP_SEND || t->mode == M_DNS_UDP; }

/* The attempt's datagram or query: a fresh DNS ID per attempt, so a late reply to an earlier one never counts. */
static int prepare_payload(struct task *t) {
  t->payload_sent = 0;
  t->handshaken = 0;
  t->reply_len = 0;
  t->reply_got = 0;
  t->problem[0] = '\0';
  if (t->mode == M_DNS_UDP || t->mode == M_DNS_TCP) {
    size_t prefix = t->mode == M_DNS_TCP ? 2 : 0;
    size_t len = dns_encode_query(t->payload + prefix, sizeof t->payload - prefix, dns_random_id());
    if (len == 0) return -1;
    if (prefix) put16(t->payload, (unsigned)len);
    t->payload_len = prefix + len;
  } else if (is_udp(t)) {
    t->payload_len =
        (size_t)snprintf((char *)t->payload, sizeof t->payload, PAYLOAD_PREFIX "%s %d\n", t->nonce, t->attempt);
  }
  return 0;
}

static void dns_tcp_send(struct task *t);

static void start_attempt(struct task *t) {
  int family = t->addr.ss_family;
  int type = is_udp(t) ? SOCK_DGRAM : SOCK_STREAM;
  int proto = t->mode == M_SCTP ? IPPROTO_SCTP : 0;
  t->state = S_ACTIVE;
  t->started_ms = now_ms();
  t->deadline_ms = t->started_ms + t->timeout_ms;
  t->resend_ms = t->started_ms + RESEND_MS;
  t->resend_gap_ms = RESEND_MS;
  if (prepare_payload(t) < 0) {
    finish_attempt(t, "error", "dns-encode");
    return;
  }
  int entered = enter_netns(t->ns);
  if (entered != 0) {
    char detail[32];
    errno_detail(entered, detail, sizeof detail);
    finish_attempt(t, "error", detail);
    return;
  }
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
  }
  if (connect(t->fd, (struct sockaddr *)&t->addr, t->addr_len) < 0) {
    if (errno != EINPROGRESS) finish_errno(t, errno);
    return;
  }
  if (t->mode == M_DNS_TCP) {
    t->handshaken = 1; /* loopback can complete at once */
    dns_tcp_send(t);
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

/* A DNS reply to the attempt's query: a response or an echo ends it; anything else is kept as its problem. */
static int dns_judge_reply(struct task *t, const unsigned char *m, size_t n) {
  size_t prefix = t->mode == M_DNS_TCP ? 2 : 0;
  int rcode = 0;
  char detail[24];
  switch (dns_check_reply(m, n, t->payload + prefix, t->payload_len - prefix, &rcode)) {
  case DNS_RESPONSE: finish_attempt(t, "connected", dns_rcode_detail(rcode, detail, sizeof detail)); return 1;
  case DNS_ECHO: finish_attempt(t, "connected", "echo"); return 1;
  case DNS_WRONG_ID:
    if (t->problem[0] == '\0') snprintf(t->problem, sizeof t->problem, "dns-wrong-id");
    return 0;
  default:
    if (t->problem[0] == '\0') snprintf(t->problem, sizeof t->problem, "dns-malformed");
    return 0;
  }
}

static void on_udp_readable(struct task *t) {
  static unsigned char buf[65536]; /* the largest datagram: a reply is judged whole, never cut */
  for (;;) {
    ssize_t n = recv(t->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      finish_errno(t, errno);
      return;
    }
    if (t->mode == M_DNS_UDP) {
      if (dns_judge_reply(t, buf, (size_t)n)) return;
      continue; /* a stray or bad reply: the right one may still come */
    }
    if ((size_t)n == t->payload_len && memcmp(buf, t->payload, t->payload_len) == 0) {
      finish_attempt(t, "connected", "echo");
      return;
    }
    /* Not our echo (a stale reply of an earlier attempt, or noise): keep waiting. */
  }
}

/* After a handshake something listens: whatever ends the attempt now is a DNS outcome, never a deny. */
static void dns_tcp_fail(struct task *t, const char *detail) {
  finish_attempt(t, "error", t->problem[0] != '\0' ? t->problem : detail);
}

static void dns_tcp_send(struct task *t) {
  while (t->payload_sent < t->payload_len) {
    ssize_t n = send(t->fd, t->payload + t->payload_sent, t->payload_len - t->payload_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      dns_tcp_fail(t, "dns-closed");
      return;
    }
    t->payload_sent += (size_t)n;
  }
}

/* Reads the 2-byte length, then exactly that many bytes, and judges the message once whole. */
static void dns_tcp_read(struct task *t) {
  for (;;) {
    unsigned char *into;
    size_t want;
    if (t->reply_got < 2) {
      into = t->prefix + t->reply_got;
      want = 2 - t->reply_got;
    } else {
      into = t->reply + (t->reply_got - 2);
      want = t->reply_len - (t->reply_got - 2);
    }
    ssize_t n = recv(t->fd, into, want, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      dns_tcp_fail(t, t->reply_got == 0 ? "dns-closed" : "dns-malformed");
      return;
    }
    t->reply_got += (size_t)n;
    if (t->reply_got == 2) {
      t->reply_len = get16(t->prefix);
      if (t->reply_len == 0 || (t->reply = malloc(t->reply_len)) == NULL) {
        dns_tcp_fail(t, "dns-malformed");
        return;
      }
    }
    if (t->reply_got >= 2 && t->reply_got - 2 == t->reply_len) {
      if (!dns_judge_reply(t, t->reply, t->reply_len)) dns_tcp_fail(t, "dns-malformed");
      return;
    }
  }
}

static void on_dns_tcp_event(struct task *t, short revents) {
  if (t->payload_sent < t->payload_len) {
    if (revents & (POLLOUT | POLLERR | POLLHUP)) dns_tcp_send(t);
    if (t->state != S_ACTIVE || t->payload_sent < t->payload_len) return;
  }
  if (revents & (POLLIN | POLLERR | POLLHUP)) dns_tcp_read(t);
}

static void on_extra_event(struct task *t, int fd, short revents);

static void on_probe_event(struct task *t, int fd, short revents) {
  if (fd != t->fd) {
    if (!t->handshaken) on_extra_event(t, fd, revents);
    return;
  }
  if (is_udp(t)) {
    if (revents & POLLERR) finish_from_error_queue(t);
    else if (revents & POLLIN) on_udp_readable(t);
    return;
  }
  if (t->handshaken) {
    on_dns_tcp_event(t, revents);
    return;
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == 0 && !(revents & POLLOUT)) return;
  if (err == 0 && t->mode == M_DNS_TCP) {
    t->handshaken = 1;
    close_extras(t);
    dns_tcp_send(t);
    return;
  }
  finish_errno(t, err);
}

/* An extra handshake ended first: it becomes the attempt's socket, and ends the attempt as the first would. */
static void on_extra_event(struct task *t, int fd, short revents) {
  for (int e = 0; e < t->extra_count; e++) {
    if (t->extra[e] != fd) continue;
    t->extra[e] = t->fd;
    t->fd = fd;
    on_probe_event(t, t->fd, revents);
    return;
  }
}

/* The datagram again, or one more handshake on a new socket; never ends the attempt. */
static void resend(struct task *t, long long now) {
  if (is_udp(t)) {
    /* An ICMP error it meets is in the error queue, where poll reports it. */
    (void)send(t->fd, t->payload, t->payload_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    t->resend_ms = now + RESEND_MS;
    return;
  }
  t->resend_gap_ms *= 2;
  t->resend_ms = t->extra_count + 1 < MAX_EXTRA ? now + t->resend_gap_ms : 0;
  int proto = t->mode == M_SCTP ? IPPROTO_SCTP : 0;
  if (enter_netns(t->ns) != 0) return;
  int fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return;
  if (connect(fd, (struct sockaddr *)&t->addr, t->addr_len) < 0 && errno != EINPROGRESS) {
    close(fd); /* what the first handshake meets decides, not a failure of this one */
    return;
  }
  t->extra[t->extra_count++] = fd;
  extra_open++;
}

/* Every active probe whose resend is due, while sockets allow. */
static void resend_due(long active) {
  long long now = now_ms();
  for (long i = 0; i < task_count; i++) {
    struct task *t = &tasks[i];
    if (t->state != S_ACTIVE || t->mode == M_CAPTURE || t->resend_ms == 0 || t->resend_ms > now) continue;
    if (t->handshaken || (!is_udp(t) && active + extra_open >= extra_budget)) t->resend_ms = 0;
    else resend(t, now);
  }
}

/* What the socket waits for: the handshake (POLLOUT), the rest of a DNS query, or a reply (POLLIN). */
static short probe_events(const struct task *t) {
  if (is_udp(t)) return POLLIN;
  if (!t->handshaken) return POLLOUT;
  return t->payload_sent < t->payload_len ? POLLOUT : POLLIN;
}

static void on_probe_deadline(struct task *t) {
  if (t->mode == M_UDP_SEND) finish_attempt(t, "sent", "-");
  else if (t->problem[0] != '\0') finish_attempt(t, "error", t->problem);
  else if (t->handshaken) finish_attempt(t, "error", t->reply_got > 0 ? "dns-malformed" : "dns-no-reply");
  else finish_attempt(t, "timeout", "-");
}

/* ------------------------------------------------------------ captures */

static int open_raw(int family) {
  int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return -1;
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return fd;
}

/*
 * Enters every namespace once: one that cannot be entered is reported (netns-failed)
 * and its tasks dropped before anything runs. Then the capture sockets, in each
 * namespace that captures.
 */
static void prepare_namespaces(void) {
  for (int i = 1; i < netns_count; i++) {
    struct netns *ns = &namespaces[i];
    if (!ns->failed) ns->failed = enter_netns(i);
    if (!ns->failed) continue;
    char detail[32];
    errno_detail(ns->failed, detail, sizeof detail);
    printf("netns-failed %d %s\n", i - 1, detail);
    for (long k = 0; k < task_count; k++)
      if (tasks[k].ns == i) tasks[k].state = S_DONE;
  }
  for (int i = 0; i < netns_count; i++) {
    struct netns *ns = &namespaces[i];
    int any = 0;
    for (long k = 0; k < task_count && !any; k++) any = tasks[k].ns == i && tasks[k].mode == M_CAPTURE;
    if (!any || ns->failed || enter_netns(i) != 0) continue;
    ns->raw4 = open_raw(AF_INET);
    if (ns->raw4 < 0) errno_detail(errno, ns->capture_error, sizeof ns->capture_error);
    ns->raw6 = open_raw(AF_INET6); /* a namespace without IPv6 is fine */
  }
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

static void match_datagram(int ns, const unsigned char *udp, size_t n) {
  if (n < 8) return;
  int port = (udp[2] << 8) | udp[3];
  const unsigned char *payload = udp + 8;
  size_t length = n - 8;
  long long now = now_ms();
  for (long i = 0; i < task_count; i++) {
    struct task *t = &tasks[i];
    if (t->mode != M_CAPTURE || t->state != S_ACTIVE || t->port != port || t->ns != ns) continue;
    int attempt = attempt_in_payload(t, payload, length);
    if (attempt < 0 || attempt >= t->attempts || t->seen[attempt]) continue;
    t->seen[attempt] = 1;
    t->seen_count++;
    report(t, attempt, "seen", now - t->started_ms, "-");
    if (t->seen_count == t->attempts) t->state = S_DONE;
  }
}

static void drain_raw(int ns, int family) {
  int fd = family == AF_INET6 ? namespaces[ns].raw6 : namespaces[ns].raw4;
  static unsigned char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return;
    if (family == AF_INET6) {
      match_datagram(ns, buf, (size_t)n); /* IPv6 raw sockets start at the UDP header */
      continue;
    }
    if (n < 20 || buf[9] != IPPROTO_UDP) continue;
    size_t header = (size_t)(buf[0] & 0x0f) * 4;
    if ((size_t)n > header) match_datagram(ns, buf + header, (size_t)n - header);
  }
}

static void close_capture(struct task *t) {
  long long now = now_ms();
  for (int a = 0; a < t->attempts; a++) {
    if (!t->seen[a]) report(t, a, "not-seen", now - t->started_ms, "-");
  }
  t->state = S_DONE;
}

/* "stop IDX GRACE_MS": capture IDX ends GRACE_MS from now, unless its window ends sooner. */
static void stop_capture(char *line) {
  char *words[5];
  long idx, grace;
  int n = split_words(line, words, 5);
  if (n != 4 || strcmp(words[0], "stop") != 0 || parse_int(words[1], 0, 1L << 30, &idx) < 0 ||
      parse_int(words[2], 0, MAX_TIMEOUT_MS, &grace) < 0)
    return;
  long long until = now_ms() + grace;
  for (long i = 0; i < task_count; i++) {
    struct task *t = &tasks[i];
    if (t->mode == M_CAPTURE && t->idx == idx && t->state == S_ACTIVE && until < t->deadline_ms)
      t->deadline_ms = until;
  }
}

static void read_stops(void) {
  read_input();
  char *line;
  while ((line = take_line()) != NULL) stop_capture(line);
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
    if (t->mode != M_CAPTURE || t->state == S_DONE) continue;
    t->started_ms = now;
    t->deadline_ms = now + t->timeout_ms;
    if (namespaces[t->ns].raw4 < 0) {
      for (int a = 0; a < t->attempts; a++) report(t, a, "error", 0, namespaces[t->ns].capture_error);
      t->state = S_DONE;
    } else {
      t->state = S_ACTIVE;
    }
  }
}

/* poll's owner of a capture socket: the namespace and family, below STDIN_OWNER. */
#define STDIN_OWNER (-1L)
static long raw_owner(int ns, int family) { return -2L - 2L * ns - (family == AF_INET6); }
static int raw_netns(long owner) { return (int)((-owner - 2) / 2); }
static int raw_family(long owner) { return (-owner - 2) % 2 ? AF_INET6 : AF_INET; }

static void handle_events(struct pollfd *fds, const long *owner, nfds_t n, long *active) {
  for (nfds_t k = 0; k < n; k++) {
    if (fds[k].revents == 0) continue;
    if (owner[k] == STDIN_OWNER) read_stops();
    else if (owner[k] < 0) drain_raw(raw_netns(owner[k]), raw_family(owner[k]));
    else {
      struct task *t = &tasks[owner[k]];
      if (t->state != S_ACTIVE) continue;
      on_probe_event(t, fds[k].fd, fds[k].revents);
      if (t->state != S_ACTIVE) (*active)--;
    }
  }
}

/*
 * Deadlines are judged after a poll, never before one: a task expires only when a poll
 * that began at or after its deadline reported nothing for it. A helper starved of CPU
 * (thousands of connects on a busy machine) may wake long after a deadline; the
 * handshake or datagram that arrived meanwhile is still counted, not taken for a timeout.
 */
static void run(void) {
  long max_active = max_active_probes();
  extra_budget = max_active / 2;
  size_t room = (size_t)(task_count + extra_budget) + 2 * (size_t)netns_count + 1;
  struct pollfd *fds = calloc(room, sizeof *fds);
  long *owner = calloc(room, sizeof *owner);
  unsigned char *capturing_in = calloc((size_t)netns_count, 1);
  if (fds == NULL || owner == NULL || capturing_in == NULL) fatal("out of memory");
  start_tasks();
  long active = 0;
  for (;;) {
    /* Start queued attempts while there is room; a finished attempt requeues its task. */
    for (long i = 0; i < task_count && active + extra_open < max_active; i++) {
      struct task *t = &tasks[i];
      while (t->mode != M_CAPTURE && t->state == S_QUEUED && active + extra_open < max_active) {
        start_attempt(t);
        if (t->state == S_ACTIVE) active++;
      }
    }
    nfds_t n = 0;
    long long wake = -1;
    int pending = 0, capturing = 0;
    memset(capturing_in, 0, (size_t)netns_count);
    for (long i = 0; i < task_count; i++) {
      struct task *t = &tasks[i];
      if (t->state == S_DONE) continue;
      pending = 1;
      if (t->state != S_ACTIVE) continue;
      if (wake < 0 || t->deadline_ms < wake) wake = t->deadline_ms;
      if (t->mode == M_CAPTURE) {
        capturing = capturing_in[t->ns] = 1;
        continue;
      }
      if (t->resend_ms > 0 && t->resend_ms < wake) wake = t->resend_ms;
      fds[n].fd = t->fd;
      fds[n].events = probe_events(t);
      fds[n].revents = 0;
      owner[n++] = i;
      for (int e = 0; e < t->extra_count; e++) {
        fds[n] = (struct pollfd){.fd = t->extra[e], .events = POLLOUT};
        owner[n++] = i;
      }
    }
    if (!pending) break;
    for (int k = 0; k < netns_count; k++) {
      if (!capturing_in[k]) continue;
      if (namespaces[k].raw4 >= 0) {
        fds[n] = (struct pollfd){.fd = namespaces[k].raw4, .events = POLLIN};
        owner[n++] = raw_owner(k, AF_INET);
      }
      if (namespaces[k].raw6 >= 0) {
        fds[n] = (struct pollfd){.fd = namespaces[k].raw6, .events = POLLIN};
        owner[n++] = raw_owner(k, AF_INET6);
      }
    }
    if (capturing && !input_ended) {
      fds[n] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
      owner[n++] = STDIN_OWNER;
    }
    long long polled = now_ms(); /* the poll sees everything that arrived before this */
    int timeout = wake < 0 ? 1000 : (int)(wake - polled < 0 ? 0 : wake - polled);
    fflush(stdout); /* what is known goes out before the wait: one write per round, not per line */
    int ready = poll(fds, n, timeout);
    if (ready < 0 && errno != EINTR) fatal("poll: %s", strerror(errno));
    if (ready > 0) handle_events(fds, owner, n, &active);
    resend_due(active);
    /* A deadline reached while poll waited is judged by the next poll, which does not wait. */
    if (ready < 0 || polled < wake) continue;
    for (long i = 0; i < task_count; i++) {
      struct task *t = &tasks[i];
      if (t->state != S_ACTIVE || t->deadline_ms > polled) continue;
      if (t->mode == M_CAPTURE) close_capture(t);
      else {
        on_probe_deadline(t);
        active--;
      }
    }
  }
  free(fds);
  free(owner);
  free(capturing_in);
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
  /* Fully buffered, flushed before every wait: thousands of results are a few writes, not one each. */
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  /* The helper's own namespace, to come back to for tasks without a "netns" line. */
  int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  add_netns(own, 0);
  int ended = read_tasks();
  prepare_namespaces();
  puts("ready");
  fflush(stdout);
  if (!ended) wait_for_go();
  run();
  return 0;
}
