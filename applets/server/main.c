/* main.c - chat-server: the LAN chat room, for IRC apps and nc/telnet.
 *
//applet:APPLET("chat-server", chat_server, CHAT_SERVER)
//config:config CHAT_SERVER
//config:	bool "chat-server"
//config:	default y
//config:	help
//config:	  The chat server: rooms shared by IRC clients and plain
//config:	  nc/telnet users, on TCP port 6667. About 27 KB of its own
//config:	  code on x86_64 with its features, 65 KB with the parts of
//config:	  the C library it pulls in.
//config:
//config:config SERVER_HISTORY
//config:	bool "Room history replayed to whoever joins"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  Each room keeps its last messages (-H) and shows them to
//config:	  people who join later, with their original times. Costs
//config:	  about 250 bytes of code (x86_64), and per message kept
//config:	  about 150 bytes plus its renderings (up to 4 wire formats).
//config:
//config:config SERVER_HISTORY_DEFAULT
//config:	int "Messages of history kept per room by default"
//config:	depends on SERVER_HISTORY
//config:	range 0 1000
//config:	default 50
//config:	help
//config:	  Late joiners see this many of a room's last messages (-H).
//config:
//config:config SERVER_CHATHISTORY
//config:	bool "IRCv3 draft/chathistory: clients ask for what they missed"
//config:	depends on SERVER_HISTORY
//config:	default y
//config:	help
//config:	  Offers draft/chathistory and its CHATHISTORY command
//config:	  (LATEST, BEFORE, AFTER, AROUND, BETWEEN, TARGETS), and
//config:	  keeps the last 512 private messages for it. Without it a
//config:	  room's history is replayed on every join, as to clients
//config:	  that do not ask. Costs about 3.5 KB of code on x86_64.
//config:	  Budget: 4100 bytes on x86_64 (text+data+bss, make size).
//config:
//config:config SERVER_PLAIN
//config:	bool "Plain-text users (nc, telnet)"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  Anyone whose first line is not IRC gets a plain-text chat:
//config:	  a nickname prompt, readable lines and slash commands.
//config:	  Costs about 3.2 KB of code (x86_64).
//config:
//config:config SERVER_MDNS
//config:	bool "Announce the server on the LAN (mDNS/DNS-SD)"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  The server announces itself as _irc._tcp over multicast DNS
//config:	  (RFC 6762/6763), so chat-discover, chat-client without an
//config:	  address, avahi-browse, Bonjour and Android/iOS browsers find
//config:	  it. Runs beside avahi or umdns. -M turns it off at run time.
//config:	  Costs about 13 KB of code on x86_64 and 20 KB on MIPS, 7 to
//config:	  10 KB of it shared with chat-discover.
//config:
//config:config SERVER_ACCOUNTS
//config:	bool "Accounts: claimed nicks, SASL, founders, messages kept"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  REGISTER (draft/account-registration) and plain /register,
//config:	  SASL PLAIN and /login, guest nicks for whoever takes a
//config:	  claimed one, account-notify, account-tag, extended-join,
//config:	  room founders, private messages kept for an account whose
//config:	  owner is away (-E), read markers (draft/read-marker), all
//config:	  on disk with -D. Without it none of these is offered.
//config:	  Budget: 17600 bytes on x86_64 (text+data+bss, make size).
//config:
//config:config SERVER_MODERATION
//config:	bool "Moderation: server operators, bans, invite-only, moderated and secret rooms"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  Server operators (-O FILE, --hash-password, OPER with its
//config:	  rate limit, KILL, WALLOPS, user modes +o and +w, powers in
//config:	  every room, WHOIS 313 and addresses for operators); room
//config:	  ban masks (+b), exceptions (+e) and invite exceptions (+I);
//config:	  invite-only rooms (+i) with INVITE; moderated rooms (+m);
//config:	  secret and private rooms (+s, +p); KNOCK; and the plain
//config:	  users' /oper /kill /wallops /ban /unban /invite. Without it
//config:	  none of these is offered: 004 and ISUPPORT say
//config:	  CHANMODES=,k,l,nt and user mode i only, and their commands
//config:	  and modes are unknown (421, 472). KICK, +k +l +n +t, room
//config:	  operators and voice stay.
//config:	  Budget: 15400 bytes on x86_64 (text+data+bss, make size).
//usage:chat-server [-fSM] [-p PORT] [-b ADDR]... [-n NAME] [-r ROOM] [-H N] [-u USER] [-c MAXCLIENTS] [-C PER_ADDR] [-R MSGS_PER_10S] [-Q SENDQ_KIB] [-m MEM_KIB] [-P PASS] [-T SECS]{SERVER_MODERATION: [-O FILE]}{SERVER_ACCOUNTS: [-A MODE] [-E SECS]}{SERVER_JOURNAL: [-D DIR [-F MS] [-J KIB]]}{SERVER_WEB: [-w PORT]... [-o ORIGIN]...}
//usage:[SERVER_MODERATION]   or: chat-server --hash-password
//usage:
//usage:Run a chat server that IRC apps and plain nc/telnet users share.
//usage:
//usage:	-f	Stay in the foreground (log to stderr)
//usage:	-S	Log to syslog even in the foreground
//usage:	-p PORT	Listen on PORT (default 6667; 0: any free port, logged)
//usage:	-b ADDR	Listen on ADDR only (repeatable; default all)
//usage:	-n NAME	Server name (default "HOSTNAME chat")
//usage:	-r ROOM	Room plain-text users start in (default #lobby)
//usage:	-H N	Keep N messages of history per room
//usage:	-u USER	Drop root privileges to USER (default nobody)
//usage:	-c N	At most N clients (default 1000)
//usage:	-C N	At most N clients per address (default 50)
//usage:	-R N	At most N lines per 10 s per client, 0: no limit (default 20)
//usage:	-Q KIB	Drop a client with more than KIB KiB unsent (default 64)
//usage:	-m KIB	Hold at most KIB KiB for rooms, topics, history and send
//usage:		queues together (256..1048576, default 8192)
//usage:	-P PASS	IRC clients must send PASS (plain users are refused)
//usage:	-T SECS	Ping and registration timeout (default 180, 60)
//usage:	-M	Do not announce the server over mDNS
//usage:[SERVER_JOURNAL]	-D DIR	Keep room history on disk in DIR, across restarts
//usage:[SERVER_JOURNAL]	-F MS	fsync DIR at most every MS ms (default 1000; 0: each message)
//usage:[SERVER_JOURNAL]	-J KIB	At most KIB KiB on disk in DIR (64..32768, default 1024)
//usage:[SERVER_MODERATION]	-O FILE	Server operators: NAME HASH lines, not readable by others
//usage:[SERVER_ACCOUNTS]	-A MODE	Who may register a nick (claim it with a password): on
//usage:[SERVER_ACCOUNTS]		(anyone, default), off{SERVER_MODERATION:, oper (server operators only)}
//usage:[SERVER_ACCOUNTS]	-E SECS	Keep private messages to an offline account this long
//usage:[SERVER_ACCOUNTS]		(default 604800: 7 days)
//usage:[SERVER_MODERATION]	--hash-password	Read a password on stdin, print the HASH for -O
//usage:[SERVER_WEB]	-w PORT	Also serve the chat page (HTTP only) on PORT (repeatable)
//usage:[SERVER_WEB]	-o ORIGIN	Let pages from ORIGIN (http://host:port, * for any) open
//usage:[SERVER_WEB]		the chat socket too
 *
 * Options, setup and the loop; server.h says where the rest is.
 */
#include "server.h"
#include "discover.h"
#include "passwd.h"
#include "textsafe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct server srv;

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		/* prlimit: the limit is the process's; musl's setrlimit would
		 * bring its every-thread fallback for kernels before 2.6.36
		 * (__synccall, about 1 KB; see drop_privileges). */
		prlimit(0, RLIMIT_NOFILE, &rl, NULL);
	}
}

/* Raw system calls, not musl's setgroups/setgid/setuid: those first stop
 * every thread (__synccall, about 1 KB) so that all change ids together,
 * and chat-server has one thread. 32-bit ARM's calls of these names take
 * 16-bit ids; their "32" twins take full ones (musl uses them too). */
#ifdef SYS_setgroups32
#define SYS_SETGROUPS SYS_setgroups32
#define SYS_SETGID SYS_setgid32
#define SYS_SETUID SYS_setuid32
#else
#define SYS_SETGROUPS SYS_setgroups
#define SYS_SETGID SYS_setgid
#define SYS_SETUID SYS_setuid
#endif

static void drop_privileges(const char *user)
{
	struct passwd_ids id;
	const char *why;

	if (geteuid() != 0)
		return;
	if (passwd_find(user, &id, &why) != 0)
		die("-u %s: %s", user, why);
	if (syscall(SYS_SETGROUPS, 0, NULL) != 0 || syscall(SYS_SETGID, id.gid) != 0 ||
	    syscall(SYS_SETUID, id.uid) != 0)
		die("cannot become %s: %s", user, strerror(errno));
}

#define LISTEN_BACKLOG 4096

/* Listen on ADDR (NULL: all) port *PORT; HTTP only if WEB (-w). */
static void listen_on(const char *addr, unsigned *port, bool web)
{
	/* A registration storm (a whole classroom's phones after the Wi-Fi
	 * came back) must not overflow the accept queue: a dropped SYN costs
	 * the client a 1 s retransmit. The kernel caps this at
	 * net.core.somaxconn (4096 on Linux >= 5.4; musl's SOMAXCONN is 128). */
	int fd = net_listen(addr, *port, LISTEN_BACKLOG);
	if (fd < 0)
		die("cannot listen on %s port %u: %s", addr ? addr : "*", *port, strerror(errno));
	/* -p 0: the kernel picks a free port (tests); the other -b addresses
	 * and the announcement use the same one. */
	if (*port == 0 && (*port = net_local_port(fd)) == 0)
		die("cannot learn the port picked for port 0: %s", strerror(errno));
	if (loop_add(&srv.loop, &srv.listeners[srv.nlisten], fd, on_accept, EPOLLIN) != 0)
		die("epoll: %s", strerror(errno));
	if (web)
		srv.web_listeners |= 1u << srv.nlisten;
	srv.nlisten++;
}

static void init_names(const char *name)
{
	time_t now = time(NULL);
	struct tm tm;
	static char defname[96];

	if (gethostname(srv.host, sizeof(srv.host) - 1) != 0 || !srv.host[0])
		strcpy(srv.host, "chatbox");
	for (char *p = srv.host; *p; p++)
		if (*p == ' ' || *p == ':')
			*p = '-';
	if (!name) {
		snprintf(defname, sizeof(defname), "%s chat", srv.host);
		name = defname;
	}
	srv.name = name;
	text_safe_str(srv.network, sizeof(srv.network), name, TS_TAB_TO_SPACE | TS_NO_IRC_FORMAT);
	for (char *p = srv.network; *p; p++)
		if (*p == ' ' || *p == ':' || *p == ',')
			*p = '-';
	gmtime_r(&now, &tm);
	strftime(srv.created, sizeof(srv.created), "%Y-%m-%d %H:%M:%S UTC", &tm);
}

struct options {
	const char *addrs[MAXLISTEN + 1], *user, *name, *operators, *state_dir;
	unsigned long sync_ms, state_kib;
	unsigned web_ports[MAXWEB];
	int naddrs, nweb;
	bool foreground, use_syslog, announce;
};

static void parse_options(int argc, char **argv, struct options *o)
{
	unsigned long secs = 180, mem_kib = BUDGET_DEFAULT_KIB;
	int c;

	while ((c = next_opt(argc, argv, "fSMp:b:n:r:H:u:c:C:R:Q:m:P:T:O:D:F:J:A:E:w:o:")) != -1) {
		switch (c) {
		case 'f': o->foreground = true; break;
		case 'S': o->use_syslog = true; break;
		case 'M': o->announce = false; break;
		case 'p': srv.port = (unsigned)opt_uint('p', optarg, 0, 65535); break;
		case 'b':
			if (o->naddrs < MAXLISTEN)
				o->addrs[o->naddrs++] = optarg;
			else
				usage_error("-b: at most %d addresses", MAXLISTEN);
			break;
		case 'n': o->name = optarg; break;
		case 'r': srv.lobby = optarg; break;
		case 'H': srv.history = opt_uint('H', optarg, 0, 1000); break;
		case 'u': o->user = optarg; break;
		case 'c': srv.max_clients = opt_uint('c', optarg, 1, 1000000); break;
		case 'C': srv.per_addr = opt_uint('C', optarg, 1, 1000000); break;
		case 'R': srv.rate = opt_uint('R', optarg, 0, 100000); break;
		case 'Q': srv.sendq = opt_uint('Q', optarg, 1, 1 << 20) * 1024; break;
		case 'm': mem_kib = opt_uint('m', optarg, BUDGET_MIN_KIB, BUDGET_MAX_KIB); break;
		case 'P': srv.password = optarg; break;
		case 'T': secs = opt_uint('T', optarg, 1, 86400); break;
		case 'D': o->state_dir = optarg; break;
		case 'F': o->sync_ms = opt_uint('F', optarg, 0, 3600000); break;
		case 'J': o->state_kib = opt_uint('J', optarg, STORE_KIB_MIN, STORE_KIB_MAX); break;
		case 'O':
			if (!ENABLE_SERVER_MODERATION)
				usage_error("-O: built without server operators (SERVER_MODERATION)");
			o->operators = optarg;
			break;
		case 'A':
			if (!ENABLE_SERVER_ACCOUNTS)
				usage_error("-A: built without accounts (SERVER_ACCOUNTS)");
			if (!strcmp(optarg, "on") || !strcmp(optarg, "off") ||
			    (ENABLE_SERVER_MODERATION && !strcmp(optarg, "oper")))
				srv.registration = optarg[1] == 'n' ? REG_ON : optarg[1] == 'f' ? REG_OFF
												: REG_OPER;
			else
				usage_error("-A: on, off" IF_SERVER_MODERATION(" or oper") ", not '%s'",
					    optarg);
			break;
		case 'E':
			if (!ENABLE_SERVER_ACCOUNTS)
				usage_error("-E: built without accounts (SERVER_ACCOUNTS)");
			srv.pending_s = opt_uint('E', optarg, 1, 366 * 86400UL);
			break;
		case 'w':
		case 'o':
			if (!ENABLE_SERVER_WEB)
				usage_error("-%c: built without the chat page (SERVER_WEB)", c);
			if (c == 'o')
				web_allow_origin(optarg);
			else if (o->nweb < MAXWEB)
				o->web_ports[o->nweb++] = (unsigned)opt_uint('w', optarg, 0, 65535);
			else
				usage_error("-w: at most %d ports", MAXWEB);
			break;
		default: break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!room_name_ok(srv.lobby))
		usage_error("-r: '%s' is not a room name (#name, at most %d bytes)", srv.lobby, ROOMLEN);
	if (!ENABLE_SERVER_HISTORY)
		srv.history = 0;
	if (o->state_dir && !ENABLE_SERVER_JOURNAL)
		usage_error("-D: built without SERVER_JOURNAL");
	srv.ping_ms = secs * 1000;
	srv.reg_ms = MIN(secs, 60) * 1000;
	budget_init(&srv.budget, mem_kib * 1024);
}

int chat_server_main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, 0 };
	static struct mdns_responder mdns;
	struct options o = { .user = "nobody", .announce = ENABLE_SERVER_MDNS,
			     .sync_ms = STORE_SYNC_MS_DEFAULT, .state_kib = STORE_KIB_DEFAULT };
	struct room *lobby;

	srv.port = CONFIG_CHATBOX_DEFAULT_PORT;
	srv.history = IF_SERVER_HISTORY(CONFIG_SERVER_HISTORY_DEFAULT +) 0;
	srv.lobby = "#lobby";
	srv.max_clients = 1000;
	srv.per_addr = 50;
	srv.rate = 20;
	srv.sendq = 64 * 1024;
	srv.pending_s = 7 * 86400;
	if (argc == 2 && strcmp(argv[1], "--hash-password") == 0) {
		if (!ENABLE_SERVER_MODERATION)
			usage_error("--hash-password: built without server operators (SERVER_MODERATION)");
		return hash_password_cmd();
	}
	parse_options(argc, argv, &o);
	init_names(o.name);
	if (o.operators) /* before dropping root: it may be root's alone */
		operators_load(o.operators);

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (loop_init(&srv.loop) != 0)
		die("epoll: %s", strerror(errno));
	for (int i = 0; i < MAX(o.naddrs, 1); i++) {
		listen_on(o.naddrs ? o.addrs[i] : NULL, &srv.port, false);
		for (int k = 0; k < o.nweb; k++)
			listen_on(o.naddrs ? o.addrs[i] : NULL, &o.web_ports[k], true);
	}
	/* Bound: now it may be announced. Without mDNS the server still works,
	 * it just has to be found by address. */
	if (ENABLE_SERVER_MDNS && o.announce &&
	    discover_announce(&mdns, &srv.loop, srv.name, srv.port, o.naddrs ? o.addrs : NULL) != 0) {
		msg("not announced on the LAN (mDNS): clients need this host's address");
		o.announce = false;
	}
	/* The page: on the first -w port if any (port 80 gives a plain URL), else the chat port. */
	if (ENABLE_SERVER_WEB && ENABLE_SERVER_MDNS && o.announce &&
	    discover_announce_web(&mdns, o.nweb ? o.web_ports[0] : srv.port) != 0)
		msg("the chat page is not announced (mDNS _http._tcp)");
	if (o.state_dir)
		store_prepare(o.state_dir, o.user);
	drop_privileges(o.user);
	if (!o.foreground && daemon(0, 0) != 0)
		die("daemon: %s", strerror(errno));
	if (!o.foreground || o.use_syslog)
		log_to_syslog();
	if (loop_signals(&srv.loop, &srv.sigw, server_signal, sigs) != 0)
		die("signalfd: %s", strerror(errno));
	timer_init(&srv.flush_timer, flush_all);
	timer_init(&srv.tick_timer, tick);
	timer_init(&srv.accept_timer, accept_resume);
	timer_init(&srv.presence_timer, flush_presence);
	loop_timer(&srv.loop, &srv.tick_timer, 1000);
	lobby = room_new(srv.lobby);
	if (!lobby)
		die("out of memory");
	lobby->keep = true; /* and its history with it */
	lobby->modes = RM_N; /* no operator there: anyone may set its topic */
	if (o.state_dir)
		store_open(o.sync_ms, o.state_kib);
	pending_init();
	acctfile_open(o.state_dir ? store_dirfd() : -1);
	msg("%s: listening on port %u", srv.name, srv.port);
	for (int k = 0; k < o.nweb; k++)
		msg("chat page (HTTP only) on port %u", o.web_ports[k]);
	if (loop_run(&srv.loop) != 0)
		die("epoll: %s", strerror(errno));
	if (ENABLE_SERVER_MDNS && o.announce)
		mdns_responder_stop(&mdns); /* goodbyes: browsers drop us at once */
	acctfile_close(); /* before the journal closes the directory */
	store_close(); /* SIGTERM: everything written is fsync'd */
	msg("stopped");
	return 0;
}
