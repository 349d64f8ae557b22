/* relay.c - the fan-out ceiling for chatbox's benchmark (host tool only).
 *
 *   relay -p PORT
 *
 * Not a chat server: it accepts on 127.0.0.1:PORT, says ":relay 366" to
 * each newcomer (so ircload counts it as joined), and copies every read
 * batch of complete lines from one client to every other client, bytes
 * unchanged, no parsing. One read of many lines becomes one write per
 * recipient: the fewest system calls and copies fan-out can take, so
 * make bench shows chat-server's fan-out as a fraction of it.
 *
 * Only whole lines are relayed (a batch is cut after its last LF and the
 * rest kept for the next read), so lines of two senders never interleave.
 * A recipient whose socket is full gets the rest queued, up to QUEUE_MAX
 * bytes; past that it is dropped, as a server drops a slow reader.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 4096
#define READ_MAX    16384
#define QUEUE_MAX   (4u << 20)

struct client {
	int fd;                 /* -1: free slot */
	char part[READ_MAX];    /* an unfinished line, kept for the next read */
	size_t npart;
	char *q;                /* unsent output, malloc'd */
	size_t qlen, qoff, qcap;
};

static struct client *cl;
static int ncl, epfd;
static const char hello[] = ":relay 366 * #bench :joined\r\n";

static void drop(struct client *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	free(c->q);
	c->q = NULL;
	c->qlen = c->qoff = c->qcap = c->npart = 0;
}

static void want_out(struct client *c, int on)
{
	struct epoll_event e = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) != 0)
		drop(c);
}

/* Keep P[0..N) queued for C; false if that passes QUEUE_MAX. */
static int enqueue(struct client *c, const char *p, size_t n)
{
	if (c->qlen + n > QUEUE_MAX)
		return 0;
	if (c->qlen + n > c->qcap) {
		size_t cap = c->qcap ? c->qcap : 65536;
		while (cap < c->qlen + n)
			cap *= 2;
		char *q = realloc(c->q, cap);
		if (!q)
			return 0;
		c->q = q;
		c->qcap = cap;
	}
	memcpy(c->q + c->qlen, p, n);
	c->qlen += n;
	return 1;
}

static void flush(struct client *c)
{
	while (c->qoff < c->qlen) {
		ssize_t w = write(c->fd, c->q + c->qoff, c->qlen - c->qoff);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) {
			drop(c);
			return;
		}
		c->qoff += (size_t)w;
	}
	c->qoff = c->qlen = 0;
	want_out(c, 0);
}

/* P[0..N) to C: written at once when nothing waits, the rest queued. */
static void send_to(struct client *c, const char *p, size_t n)
{
	if (c->qlen == 0) {
		ssize_t w = write(c->fd, p, n);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			drop(c);
			return;
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
		if (n == 0)
			return;
		want_out(c, 1);
		if (c->fd < 0)
			return;
	}
	if (!enqueue(c, p, n))
		drop(c);
}

static void readable(struct client *c)
{
	static char buf[2 * READ_MAX];
	memcpy(buf, c->part, c->npart);
	ssize_t n = read(c->fd, buf + c->npart, READ_MAX);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	size_t have = c->npart + (size_t)n;
	char *nl = memrchr(buf, '\n', have);
	size_t whole = nl ? (size_t)(nl - buf) + 1 : 0;
	if (have - whole >= READ_MAX) { /* a line longer than we keep: lose it */
		whole = have;
	}
	c->npart = have - whole;
	memcpy(c->part, buf + whole, c->npart);
	if (!whole)
		return;
	for (int i = 0; i < ncl; i++)
		if (&cl[i] != c && cl[i].fd >= 0)
			send_to(&cl[i], buf, whole);
}

static void accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int i = 0;
		while (i < ncl && cl[i].fd >= 0)
			i++;
		if (i == MAX_CLIENTS) {
			close(fd);
			continue;
		}
		struct client *c = &cl[i];
		struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
		c->fd = fd;
		if (i == ncl)
			ncl++;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
			close(fd);
			c->fd = -1;
			continue;
		}
		send_to(c, hello, sizeof(hello) - 1);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct rlimit rl;
	int one = 1, lfd;

	if (argc != 3 || strcmp(argv[1], "-p") != 0) {
		fprintf(stderr, "usage: relay -p PORT\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	cl = calloc(MAX_CLIENTS, sizeof(*cl));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!cl || lfd < 0 || epfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 4096) != 0) {
		perror("relay: setup");
		return 1;
	}
	struct epoll_event le = { .events = EPOLLIN, .data.ptr = NULL };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &le) != 0) {
		perror("relay: epoll");
		return 1;
	}
	for (;;) {
		struct epoll_event ev[256];
		int n = epoll_wait(epfd, ev, 256, -1);
		if (n < 0 && errno != EINTR) {
			perror("relay: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct client *c = ev[i].data.ptr;
			if (!c) {
				accept_all(lfd);
				continue;
			}
			if (c->fd >= 0 && (ev[i].events & EPOLLOUT))
				flush(c);
			if (c->fd >= 0 && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				readable(c);
		}
	}
}
