/*
 * netpol-assert lab lossy link: packet loss and random delay on one pod link, in user
 * space, for kernels without sch_netem. Started inside the pod's network namespace, one
 * per pod:
 *
 *     lossy-link DEVICE TAP LOSS_PPM MAX_DELAY_MS
 *
 * It creates TAP (a tap device that lives as long as this process), gives it DEVICE's MAC
 * address, turns off its IPv6 and its reverse-path filter, brings it up and prints
 * "ready". The lab then redirects every IPv4 frame crossing DEVICE, both ways, into TAP
 * (tc clsact, u32, mirred). Each frame read from TAP is lost with probability
 * LOSS_PPM / 1,000,000; any other waits a uniformly random 0..MAX_DELAY_MS ms and goes on:
 * a frame DEVICE was sending (its source is DEVICE's MAC) leaves through DEVICE on a
 * packet socket that skips the qdisc, and with it the redirect; a frame DEVICE received is
 * written back into TAP, which the kernel takes as received there and delivers.
 *
 * Loss lives here and not in an nftables rule: a drop in the sender's own output path
 * fails its sendmsg with EPERM, which a probe rightly reads as a policy; a wire loses a
 * packet without a word, and so does this.
 *
 * Up to QUEUE_LIMIT frames wait at once; more are dropped, as a full qdisc drops them.
 * SIGTERM or SIGINT ends it, and the tap goes with it; a redirect left pointing at the
 * tap would drop every frame, so the lab lifts it when the stage ends unasked (link-faults.ts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_LIMIT 4096
#define FRAME_MAX 65550 /* the largest frame a tap hands out: 64 KiB plus the Ethernet header */
#define PPM 1000000

struct held {
  long long release_us;
  unsigned long long seq; /* frames due at the same microsecond keep their order */
  int outgoing;
  size_t len;
  unsigned char *frame;
};

static struct held heap[QUEUE_LIMIT];
static int held_count;
static unsigned long long next_seq;
static volatile sig_atomic_t stopping;

static void fatal(const char *what) {
  printf("fatal %s: %s\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ the frames waiting, soonest first */

static int earlier(const struct held *a, const struct held *b) {
  return a->release_us < b->release_us || (a->release_us == b->release_us && a->seq < b->seq);
}

static void swap(int i, int j) {
  struct held t = heap[i];
  heap[i] = heap[j];
  heap[j] = t;
}

static void heap_push(struct held h) {
  int i = held_count++;
  heap[i] = h;
  while (i > 0 && earlier(&heap[i], &heap[(i - 1) / 2])) {
    swap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static struct held heap_pop(void) {
  struct held top = heap[0];
  heap[0] = heap[--held_count];
  for (int i = 0;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < held_count && earlier(&heap[l], &heap[m])) m = l;
    if (r < held_count && earlier(&heap[r], &heap[m])) m = r;
    if (m == i) break;
    swap(i, m);
    i = m;
  }
  return top;
}

/* ------------------------------------------------------------ chance */

/* xorshift64, seeded by the kernel: a uniform 64-bit number. */
static uint64_t random64(void) {
  static uint64_t state;
  if (state == 0 && getrandom(&state, sizeof state, 0) != sizeof state) state = (uint64_t)now_us() | 1;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

/* ------------------------------------------------------------ devices */

static void write_sysctl(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, value, strlen(value)) < 0) fatal(path);
  close(fd);
}

static void request(int ctl, unsigned long what, struct ifreq *ifr, const char *name) {
  if (ioctl(ctl, what, ifr) < 0) fatal(name);
}

/* DEVICE's index and MAC address. */
static int device_of(const char *name, unsigned char *mac) {
  int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (ctl < 0) fatal("socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  request(ctl, SIOCGIFHWADDR, &ifr, name);
  memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
  request(ctl, SIOCGIFINDEX, &ifr, name);
  close(ctl);
  return ifr.ifr_ifindex;
}

/*
 * The tap, with DEVICE's MAC so that a frame addressed to DEVICE is for it too. Before it
 * is up: no IPv6 (it must say nothing of its own on the link), and no reverse-path check,
 * since what it hands back comes from addresses routed through DEVICE.
 */
static int open_tap(const char *name, const unsigned char *mac) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fatal("/dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) fatal("TUNSETIFF");
  char path[96];
  snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
  if (access(path, F_OK) == 0) write_sysctl(path, "1");
  snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/%s/rp_filter", name);
  write_sysctl(path, "0");
  int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (ctl < 0) fatal("socket");
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN);
  request(ctl, SIOCSIFHWADDR, &ifr, "SIOCSIFHWADDR");
  request(ctl, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP;
  request(ctl, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS");
  close(ctl);
  return fd;
}

/* A send-only packet socket on DEVICE that skips its qdisc, and with it the redirect. */
static int open_sender(int ifindex) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) fatal("AF_PACKET");
  int one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) fatal("PACKET_QDISC_BYPASS");
  struct sockaddr_ll ll;
  memset(&ll, 0, sizeof ll);
  ll.sll_family = AF_PACKET;
  ll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&ll, sizeof ll) < 0) fatal("bind");
  return fd;
}

/* ------------------------------------------------------------ the link */

struct link {
  int tap;
  int sender;
  unsigned char mac[ETH_ALEN];
  uint64_t loss_ppm;
  long long max_delay_us;
};

/* Every frame due by now, on its way: a frame the link cannot take now is lost, as on a wire. */
static void release_due(const struct link *link) {
  long long now = now_us();
  while (held_count > 0 && heap[0].release_us <= now) {
    struct held h = heap_pop();
    if (h.outgoing) (void)send(link->sender, h.frame, h.len, MSG_DONTWAIT);
    else (void)write(link->tap, h.frame, h.len);
    free(h.frame);
  }
}

/* Every frame the tap holds: IPv4 only (the redirect takes nothing else), lost or held. */
static void take_frames(const struct link *link) {
  static unsigned char buf[FRAME_MAX];
  for (;;) {
    ssize_t n = read(link->tap, buf, sizeof buf);
    if (n < 0) return;
    if ((size_t)n < ETH_HLEN || buf[12] != 0x08 || buf[13] != 0x00) continue;
    if (random64() % PPM < link->loss_ppm || held_count == QUEUE_LIMIT) continue;
    unsigned char *copy = malloc((size_t)n);
    if (copy == NULL) continue;
    memcpy(copy, buf, (size_t)n);
    long long delay = (long long)(random64() % (uint64_t)(link->max_delay_us + 1));
    struct held h = {now_us() + delay, next_seq++, memcmp(buf + ETH_ALEN, link->mac, ETH_ALEN) == 0, (size_t)n, copy};
    heap_push(h);
  }
}

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static long parse_number(const char *s, long max) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  return end == s || *end != '\0' || v < 0 || v > max ? -1 : v;
}

int main(int argc, char **argv) {
  long loss = argc == 5 ? parse_number(argv[3], PPM) : -1;
  long max_ms = argc == 5 ? parse_number(argv[4], 60000) : -1;
  if (argc != 5 || loss < 0 || max_ms < 0 || strlen(argv[1]) >= IFNAMSIZ || strlen(argv[2]) >= IFNAMSIZ) {
    fputs("usage: lossy-link DEVICE TAP LOSS_PPM MAX_DELAY_MS   (see the top of lossy-link.c)\n", stderr);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct link link = {.loss_ppm = (uint64_t)loss, .max_delay_us = max_ms * 1000};
  int ifindex = device_of(argv[1], link.mac);
  link.tap = open_tap(argv[2], link.mac);
  link.sender = open_sender(ifindex);
  printf("ready\n");
  fflush(stdout);
  while (!stopping) {
    release_due(&link);
    long long wait_us = held_count == 0 ? -1 : heap[0].release_us - now_us();
    int timeout = wait_us < 0 ? (held_count == 0 ? -1 : 0) : (int)((wait_us + 999) / 1000);
    struct pollfd pfd = {.fd = link.tap, .events = POLLIN};
    if (poll(&pfd, 1, timeout) < 0) {
      if (errno == EINTR) continue;
      fatal("poll");
    }
    if (pfd.revents & POLLIN) take_frames(&link);
  }
  return 0;
}
