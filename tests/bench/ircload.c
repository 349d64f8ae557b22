/* ircload.c - IRC load generator for chatbox's benchmark (host tool only).
 *
 *   ircload -p PORT [-P SERVER_PID] MODE [options]
 *
 *   fanout   -c CLIENTS -s SENDERS -m MSGS -b BYTES   all in one room; the
 *            senders send MSGS messages of BYTES each as fast as the server
 *            takes them; every other member counts deliveries.
 *   register -n CLIENTS [-w WINDOW]   connect, register and join one room,
 *            at most WINDOW clients in flight; time from first connect to
 *            the last end-of-NAMES.
 *   idle     -n CLIENTS [-k PER_ROOM]   connect, register and join rooms of
 *            PER_ROOM; print "ready", then hold until stdin closes.
 *   latency  -c CLIENTS -r RATE -m MSGS   one sender, RATE messages/s
 *            stamped with CLOCK_MONOTONIC and CLOCK_REALTIME; percentiles
 *            of delivery delay twice: until this one thread has read the
 *            line (p50_us...: it reads the 999 sockets one after another,
 *            so its own reading is most of that figure, whatever the
 *            server), and until the line arrived in the member's socket
 *            (arrive_p50_us...: the kernel's receive time, SO_TIMESTAMPNS,
 *            against the realtime stamp: what the server's fan-out took).
 *
 * -W (fanout): once everyone joined, print "joined" and wait for a line on
 * stdin before the measured phase, so the driver can attach strace to the
 * server for that phase only. A PRIVMSG line without a prefix counts as a
 * delivery too: tests/bench/relay passes the senders' bytes on unchanged.
 *
 * One thread, non-blocking sockets, epoll. Output: one line of key=value
 * pairs on stdout (the driver parses it); problems on stderr, exit 1.
 * SERVER_PID lets it report the server's CPU time (/proc/PID/schedstat)
 * spent in the measured phase only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF 8192
#define MAX_CLIENTS 30000

enum state { CONNECTING, REGISTERING, JOINED, DEAD };

struct conn {
	int fd;
	enum state st;
	size_t rlen;
	char *wbuf;
	size_t wlen, woff, wcap;
	unsigned long got;  /* PRIVMSG lines received */
	unsigned long left; /* messages this sender still has to queue */
	char rbuf[RBUF];
};

static struct conn *conns;
static int nconns, epfd, port = 6667, server_pid;
static const char *mode;
static unsigned long opt_c = 10, opt_s = 1, opt_m = 10, opt_b = 100, opt_n = 100;
static unsigned long opt_w = 64, opt_k = 100, opt_r = 100;
static int opt_wait;
static double opt_t = 300; /* -t: seconds a registration storm may take */
static unsigned long njoined, ndead, total_got;
static uint64_t *lat;  /* latency samples in ns, until read */
static uint64_t *arrive; /* the same, until the kernel received the line */
static size_t nlat, narrive, maxlat;
static uint64_t rx_real; /* kernel receive time (realtime ns) of the last read */
static uint64_t last_rx;

static _Noreturn void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ircload: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The server's CPU time in seconds, or -1 without a pid: the first field
 * of /proc/PID/schedstat, in nanoseconds (utime+stime from /proc/PID/stat
 * count 10 ms ticks, too coarse for a fan-out of a fifth of a second). */
static double server_cpu(void)
{
	char path[64];
	unsigned long long ns;
	FILE *f;

	if (!server_pid)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", server_pid);
	f = fopen(path, "r");
	if (!f)
		fail("cannot read %s", path);
	if (fscanf(f, "%llu", &ns) != 1)
		fail("cannot parse %s", path);
	fclose(f);
	return (double)ns / 1e9;
}

static void want(struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) != 0)
		fail("epoll_ctl: %s", strerror(errno));
}

static void die_conn(struct conn *c, const char *why)
{
	if (c->st == DEAD)
		return;
	if (ndead < 5)
		fprintf(stderr, "ircload: client %d: %s\n", (int)(c - conns), why);
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->st = DEAD;
	ndead++;
}

static void flush(struct conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			die_conn(c, strerror(errno));
			return;
		}
		c->woff += (size_t)n;
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	want(c, EPOLLIN | (c->wlen ? EPOLLOUT : 0));
}

static void queue(struct conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		fail("line too long");
	if (c->wlen + (size_t)n > c->wcap) {
		size_t cap = c->wcap ? c->wcap * 2 : 512;
		while (cap < c->wlen + (size_t)n)
			cap *= 2;
		c->wbuf = realloc(c->wbuf, cap);
		if (!c->wbuf)
			fail("out of memory");
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, line, (size_t)n);
	c->wlen += (size_t)n;
}

static void room_of(int i, char *out, size_t sz)
{
	if (!strcmp(mode, "idle"))
		snprintf(out, sz, "#idle%lu", (unsigned long)i / opt_k);
	else
		snprintf(out, sz, "#bench");
}

static void start_conn(int i)
{
	struct conn *c = &conns[i];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct epoll_event e = { .events = EPOLLOUT, .data.ptr = c };
	int one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		fail("socket: %s (raise ulimit -n)", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS)
		fail("connect: %s", strerror(errno));
	c->st = CONNECTING;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) != 0)
		fail("epoll_ctl: %s", strerror(errno));
	nconns = i + 1 > nconns ? i + 1 : nconns;
}

static void connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	char room[32];
	int i = (int)(c - conns);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
		die_conn(c, err ? strerror(err) : "connect failed");
		return;
	}
	c->st = REGISTERING;
	room_of(i, room, sizeof(room));
	queue(c, "NICK u%d\r\nUSER u%d 0 * :load %d\r\nJOIN %s\r\n", i, i, i, room);
	flush(c);
}

static void on_line(struct conn *c, char *line, uint64_t t)
{
	char *sp = strchr(line, ' ');
	if (!strncmp(line, "PING", 4)) {
		queue(c, "PONG%s\r\n", line + 4);
		flush(c);
		return;
	}
	if (!strncmp(line, "ERROR", 5)) {
		die_conn(c, line);
		return;
	}
	if (!sp)
		return;
	sp++;
	if (!strncmp(sp, "PRIVMSG ", 8) || !strncmp(line, "PRIVMSG ", 8)) {
		c->got++;
		total_got++;
		char *stamp = lat ? strstr(sp, ":t=") : NULL, *end;
		if (stamp && nlat < maxlat) {
			lat[nlat++] = t - strtoull(stamp + 3, &end, 10);
			uint64_t sent = strncmp(end, " a=", 3) ? 0 : strtoull(end + 3, NULL, 10);
			if (sent && rx_real >= sent)
				arrive[narrive++] = rx_real - sent;
		}
	} else if (!strncmp(sp, "366 ", 4) && c->st == REGISTERING) {
		c->st = JOINED;
		njoined++;
	} else if (!strncmp(sp, "433 ", 4) || !strncmp(sp, "403 ", 4) ||
		   !strncmp(sp, "405 ", 4) || !strncmp(sp, "471 ", 4)) {
		die_conn(c, line);
	}
}

/* read(), and in the latency run the kernel's receive time of what was
 * read into rx_real (the timestamp of the last segment read). */
static ssize_t receive(int fd, char *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(struct timespec))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	if (!lat)
		return read(fd, buf, len);
	ssize_t n = recvmsg(fd, &mh, 0);
	rx_real = 0;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); n > 0 && h; h = CMSG_NXTHDR(&mh, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(h), sizeof(ts));
			rx_real = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		}
	return n;
}

static void readable(struct conn *c)
{
	for (;;) {
		size_t space = RBUF - c->rlen;
		ssize_t n = receive(c->fd, c->rbuf + c->rlen, space);
		if (n == 0) {
			die_conn(c, "server closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				die_conn(c, strerror(errno));
			return;
		}
		uint64_t t = now_ns();
		last_rx = t;
		c->rlen += (size_t)n;
		char *p = c->rbuf, *end = c->rbuf + c->rlen, *nl;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
			on_line(c, p, t);
			if (c->st == DEAD)
				return;
			p = nl + 1;
		}
		c->rlen = (size_t)(end - p);
		if (c->rlen == RBUF)
			c->rlen = 0; /* a line longer than the buffer: drop it */
		memmove(c->rbuf, p, c->rlen);
		/* A short read took all there was: epoll is level-triggered and
		 * says so again if more came, so a read ending in EAGAIN, one
		 * more system call per wake-up, is not needed to know it. */
		if ((size_t)n < space)
			return;
	}
}

/* One round of the event loop, waiting at most MS. */
static void poll_once(int ms)
{
	struct epoll_event ev[1024];
	int n = epoll_wait(epfd, ev, 1024, ms);
	if (n < 0 && errno != EINTR)
		fail("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		struct conn *c = ev[i].data.ptr;
		if (c->st == DEAD)
			continue;
		if (c->st == CONNECTING) {
			connected(c);
			continue;
		}
		if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			readable(c);
		if (c->st != DEAD && (ev[i].events & EPOLLOUT))
			flush(c);
	}
}

/* Connect and join N clients, at most WINDOW in flight; false on a timeout. */
static void join_all(unsigned long n, unsigned long window, double timeout)
{
	unsigned long started = 0;
	uint64_t deadline = now_ns() + (uint64_t)(timeout * 1e9);
	while (njoined + ndead < n) {
		while (started < n && started - njoined - ndead < window)
			start_conn((int)started++);
		poll_once(100);
		if (ndead)
			fail("%lu clients failed while joining", ndead);
		if (now_ns() > deadline)
			fail("timed out: %lu of %lu clients joined", njoined, n);
	}
}

/* Let the server's backlog of join notices drain: no input for MS. */
static void settle(int ms)
{
	last_rx = now_ns();
	while (now_ns() - last_rx < (uint64_t)ms * 1000000u)
		poll_once(ms / 4);
}

static void fanout(void)
{
	unsigned long want_total, s;
	join_all(opt_c, opt_w, 120);
	settle(300);
	total_got = 0;
	want_total = opt_s * opt_m * (opt_c - 1);
	char *payload = malloc(opt_b + 1);
	if (!payload)
		fail("out of memory");
	memset(payload, 'x', opt_b);
	payload[opt_b] = '\0';
	if (opt_wait) {
		char go[8];
		printf("joined\n");
		fflush(stdout);
		if (!fgets(go, sizeof(go), stdin))
			fail("stdin closed before the measured phase");
	}
	double cpu0 = server_cpu();
	uint64_t t0 = now_ns(), progress = t0;
	unsigned long last_got = 0;
	for (s = 0; s < opt_s; s++)
		conns[s].left = opt_m;
	while (total_got < want_total) {
		/* Keep each sender's queue topped up, a few messages at a time. */
		for (s = 0; s < opt_s; s++) {
			struct conn *c = &conns[s];
			if (c->st == DEAD || !c->left || c->wlen > 4096)
				continue;
			for (int k = 0; k < 16 && c->left; k++, c->left--)
				queue(c, "PRIVMSG #bench :%s\r\n", payload);
			flush(c);
		}
		poll_once(10);
		if (ndead)
			fail("%lu clients dropped during fan-out (%lu of %lu delivered)",
			     ndead, total_got, want_total);
		uint64_t t = now_ns();
		if (total_got != last_got)
			last_got = total_got, progress = t;
		else if (t - progress > 10000000000u)
			fail("stalled: %lu of %lu delivered", total_got, want_total);
	}
	double secs = (double)(now_ns() - t0) / 1e9, cpu = server_cpu() - cpu0;
	printf("deliveries=%lu seconds=%.3f per_sec=%.0f server_cpu=%.3f", total_got, secs,
	       (double)total_got / secs, cpu);
	if (cpu > 0) /* /proc counts in ticks: a tiny run may show none */
		printf(" per_cpu_sec=%.0f", (double)total_got / cpu);
	putchar('\n');
	free(payload);
}

static void reg_storm(void)
{
	double cpu0 = server_cpu();
	uint64_t t0 = now_ns();
	join_all(opt_n, opt_w, opt_t);
	double secs = (double)(now_ns() - t0) / 1e9;
	printf("clients=%lu seconds=%.3f server_cpu=%.3f\n", opt_n, secs, server_cpu() - cpu0);
}

static void idle(void)
{
	char buf[64];
	join_all(opt_n, opt_w, 300);
	settle(300);
	printf("ready clients=%lu\n", opt_n);
	fflush(stdout);
	fcntl(0, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
		poll_once(100);
		if (ndead)
			fail("%lu idle clients were dropped", ndead);
	}
	printf("done dead=%lu\n", ndead);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void latency(void)
{
	join_all(opt_c, opt_w, 120);
	settle(300);
	maxlat = opt_m * (opt_c - 1);
	lat = calloc(maxlat ? maxlat : 1, sizeof(*lat));
	arrive = calloc(maxlat ? maxlat : 1, sizeof(*arrive));
	if (!lat || !arrive)
		fail("out of memory");
	for (int i = 0; i < nconns; i++) {
		int one = 1;
		if (setsockopt(conns[i].fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) != 0)
			fail("SO_TIMESTAMPNS: %s", strerror(errno));
	}
	total_got = 0;
	uint64_t period = 1000000000u / opt_r, next = now_ns(), deadline;
	for (unsigned long sent = 0; sent < opt_m;) {
		uint64_t t = now_ns();
		if (t >= next) {
			queue(&conns[0], "PRIVMSG #bench :t=%llu a=%llu %.40s\r\n",
			      (unsigned long long)t, (unsigned long long)clock_ns(CLOCK_REALTIME),
			      "padding-padding-padding-padding-padding-");
			flush(&conns[0]);
			sent++;
			next += period;
		}
		t = now_ns();
		poll_once(next > t ? (int)((next - t) / 1000000u) : 0);
		if (ndead)
			fail("%lu clients dropped during the latency run", ndead);
	}
	deadline = now_ns() + 10000000000u;
	while (nlat < maxlat && now_ns() < deadline)
		poll_once(10);
	if (nlat < maxlat)
		fail("only %zu of %zu deliveries arrived", nlat, maxlat);
	/* A segment that came in while the kernel was still turning its
	 * receive timestamps on carries none: a few, not one in a hundred. */
	if (narrive < nlat - nlat / 100)
		fail("only %zu of %zu deliveries carried a kernel receive time", narrive, nlat);
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	qsort(arrive, narrive, sizeof(*arrive), cmp_u64);
	printf("deliveries=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f", nlat,
	       (double)lat[nlat / 2] / 1e3, (double)lat[nlat * 99 / 100] / 1e3,
	       (double)lat[nlat - 1] / 1e3);
	printf(" arrive_p50_us=%.1f arrive_p99_us=%.1f arrive_max_us=%.1f\n",
	       (double)arrive[narrive / 2] / 1e3, (double)arrive[narrive * 99 / 100] / 1e3,
	       (double)arrive[narrive - 1] / 1e3);
}

static unsigned long num(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		fail("'%s' is not a number from %lu to %lu", s, lo, hi);
	return v;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int o;

	while ((o = getopt(argc, argv, "p:P:c:s:m:b:n:w:k:r:t:W")) != -1) {
		switch (o) {
		case 'p': port = (int)num(optarg, 1, 65535); break;
		case 'P': server_pid = (int)num(optarg, 1, 1u << 30); break;
		case 'c': opt_c = num(optarg, 2, MAX_CLIENTS); break;
		case 's': opt_s = num(optarg, 1, MAX_CLIENTS); break;
		case 'm': opt_m = num(optarg, 1, 100000000); break;
		case 'b': opt_b = num(optarg, 1, 400); break;
		case 'n': opt_n = num(optarg, 1, MAX_CLIENTS); break;
		case 'w': opt_w = num(optarg, 1, MAX_CLIENTS); break;
		case 'k': opt_k = num(optarg, 1, MAX_CLIENTS); break;
		case 'r': opt_r = num(optarg, 1, 1000000); break;
		case 'W': opt_wait = 1; break;
		case 't': opt_t = (double)num(optarg, 1, 3600); break;
		default: fail("usage: ircload -p PORT [-P PID] fanout|register|idle|latency [options]");
		}
	}
	if (optind + 1 != argc)
		fail("usage: ircload -p PORT [-P PID] fanout|register|idle|latency [options]");
	mode = argv[optind];
	if (opt_s >= opt_c)
		opt_s = opt_c - 1;
	/* Every client is one fd: take the hard limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	conns = calloc(MAX_CLIENTS, sizeof(*conns));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || epfd < 0)
		fail("setup: %s", strerror(errno));
	if (!strcmp(mode, "fanout"))
		fanout();
	else if (!strcmp(mode, "register"))
		reg_storm();
	else if (!strcmp(mode, "idle"))
		idle();
	else if (!strcmp(mode, "latency"))
		latency();
	else
		fail("unknown mode '%s'", mode);
	return 0;
}
