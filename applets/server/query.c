/* query.c - what IRC clients ask about the others and the server: WHO
 * (with WHOX), WHOIS, WHOWAS, LIST (with ELIST filters), NAMES, LUSERS,
 * TIME, ADMIN, INFO and HELP, per the modern IRC client protocol
 * (modern.ircdocs.horse) and RFC 2812. Secret (+s) and private (+p) rooms
 * and invisible (+i) users are left out for whoever does not share them. */
#include "server.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define WHO_MAX     100 /* rows of a WHO by mask (a room's WHO lists it all) */
#define WHO_MASKLEN 64  /* longer masks match nobody: each glob costs mask x field */
#define LIST_CONDS  8   /* ELIST conditions of one LIST */

static bool has_wildcards(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* C may see who is in R: R is neither secret nor private, or C is in it. */
bool room_visible(const struct client *c, const struct room *r)
{
	return !(r->modes & (RM_S | RM_P)) || in_room(c, r);
}

/* C and W are in a room together (or are one). */
static bool share_room(const struct client *c, const struct client *w)
{
	if (c == w)
		return true;
	for (unsigned i = 0; i < c->nrooms; i++)
		if (in_room(w, c->rooms[i]))
			return true;
	return false;
}

static long long idle_s(const struct client *w)
{
	return (srv.now - (w->spoke ? w->spoke : w->since)) / 1000;
}

/* --- WHO, WHOX ------------------------------------------------------------------ */

/* WHOX (the "%fields,token" second parameter): the fields asked for, one
 * bit per letter of WHOX_ORDER, the order they are sent in whatever the
 * order asked. */
static const char whox_order[] = "tcuihsnfdlaor";
struct whox {
	unsigned fields;          /* 0: plain WHO, 352 */
	char token[4];
	bool opers;               /* "o" (before any '%'): server operators only */
};

static void whox_parse(struct whox *x, const char *arg)
{
	const char *p = strchr(arg, '%');
	memset(x, 0, sizeof(*x));
	x->opers = memchr(arg, 'o', p ? (size_t)(p - arg) : strlen(arg)) != NULL;
	if (!p)
		return;
	for (p++; *p && *p != ','; p++) {
		const char *f = strchr(whox_order, *p);
		if (f)
			x->fields |= 1u << (f - whox_order);
	}
	if (*p == ',') /* the token: 1 to 3 digits, else none */
		for (size_t n = 0; n < 3 && p[1 + n] >= '0' && p[1 + n] <= '9'; n++) {
			x->token[n] = p[1 + n];
			x->token[n + 1] = '\0';
		}
	x->fields |= 1u << 31; /* WHOX even if no field letter was known */
}

static void who_flags(char out[8], const struct client *c, const struct client *w,
		      uint8_t modes)
{
	snprintf(out, 8, "%c%s%s", w->away ? 'G' : 'H', w->flags & F_OPER ? "*" : "",
		 prefix_of(modes, c->caps & CAP_MULTI_PREFIX));
}

/* One 354 row: each field asked for, in whox_order. */
static void whox_row(struct client *c, const char *where, struct client *w, uint8_t modes,
		     const struct whox *x)
{
	char row[LINE_MAX_IRC] = "", flags[8], num[24];
	size_t n = 0;
	for (unsigned i = 0; whox_order[i]; i++) {
		const char *v = NULL;
		if (!(x->fields & (1u << i)))
			continue;
		switch (whox_order[i]) {
		case 't': v = x->token[0] ? x->token : "0"; break;
		case 'c': v = where; break;
		case 'u': v = w->user; break;
		case 'i': case 'h': v = w->host; break; /* the host is its address */
		case 's': v = srv.host; break;
		case 'n': v = w->nick; break;
		case 'f': who_flags(flags, c, w, modes); v = flags; break;
		case 'd': v = "0"; break;
		case 'l':
			snprintf(num, sizeof(num), "%lld", idle_s(w));
			v = num;
			break;
		case 'a': v = w->account[0] ? w->account : "0"; break; /* "0": not logged in */
		case 'o': v = "n/a"; break;
		case 'r': v = w->realname ? w->realname : ""; break;
		}
		snprintf(row + n, sizeof(row) - n, " %s%s", whox_order[i] == 'r' ? ":" : "", v);
		n = strlen(row);
	}
	numeric(c, "354", "%s", row[0] ? row + 1 : "");
}

static void who_row(struct client *c, const char *where, struct client *w, uint8_t modes,
		    const struct whox *x)
{
	char flags[8];
	if (x->opers && !(w->flags & F_OPER))
		return;
	if (x->fields) {
		whox_row(c, where, w, modes, x);
		return;
	}
	who_flags(flags, c, w, modes);
	numeric(c, "352", "%s %s %s %s %s %s :0 %s", where, w->user, w->host, srv.host, w->nick,
		flags, w->realname ? w->realname : "");
}

/* W matches a WHO MASK: its nick, user, host or real name. */
static bool who_matches(const char *mask, const struct client *w)
{
	return irc_glob(mask, w->nick) || irc_glob(mask, w->user) || irc_glob(mask, w->host) ||
	       (w->realname && irc_glob(mask, w->realname));
}

static void who_mask(struct client *c, const char *mask, const struct whox *x)
{
	unsigned rows = 0;
	if (!has_wildcards(mask) && strcmp(mask, "0")) { /* one nick: shown even if invisible */
		struct client *w = nick_find(mask);
		if (w && (w->flags & F_REG))
			who_row(c, "*", w, 0, x);
		return;
	}
	if (strlen(mask) > WHO_MASKLEN)
		return;
	for (struct client *w = srv.clients; w && rows < WHO_MAX; w = w->next) {
		if (!(w->flags & F_REG) || (w->flags & F_CLOSING) ||
		    ((w->flags & F_INVISIBLE) && !share_room(c, w)))
			continue;
		if (!strcmp(mask, "0") || who_matches(mask, w)) { /* "0": everyone (RFC 1459) */
			who_row(c, "*", w, 0, x);
			rows++;
		}
	}
}

void cmd_who(struct client *c, struct irc_msg *m)
{
	const char *mask = m->nparams && m->params[0][0] ? m->params[0] : "*";
	struct whox x;

	whox_parse(&x, m->nparams > 1 ? m->params[1] : "");
	if (mask[0] == '#') {
		struct room *r = room_find(mask);
		bool member = r && in_room(c, r);
		for (uint32_t i = 0; r && room_visible(c, r) && i < r->n; i++)
			if (member || !(r->m[i].c->flags & F_INVISIBLE))
				who_row(c, r->name, r->m[i].c, r->m[i].modes, &x);
	} else {
		who_mask(c, mask, &x);
	}
	numeric(c, "315", "%s :End of /WHO list", mask);
}

/* --- WHOIS ---------------------------------------------------------------------- */

/* 319: W's rooms that C may see, with W's prefix in each; a line more
 * when they do not fit in one. */
static void whois_rooms(struct client *c, struct client *w)
{
	char rooms[LINE_MAX_IRC - 64] = "";
	size_t n = 0;
	for (unsigned i = 0; i < w->nrooms; i++) {
		struct room *r = w->rooms[i];
		struct member *mb = member_of(r, w);
		const char *p = prefix_of(mb ? mb->modes : 0, false);
		if (!room_visible(c, r))
			continue;
		/* a room name (ROOMLEN) and its prefix always fit an empty line */
		if (n && n + 1 + strlen(p) + strlen(r->name) >= sizeof(rooms)) {
			numeric(c, "319", "%s :%s", w->nick, rooms);
			n = 0;
		}
		snprintf(rooms + n, sizeof(rooms) - n, "%s%s%s", n ? " " : "", p, r->name);
		n += strlen(rooms + n);
	}
	if (n)
		numeric(c, "319", "%s :%s", w->nick, rooms);
}

void cmd_whois(struct client *c, struct irc_msg *m)
{
	/* WHOIS [server] nick: the last parameter is the nick */
	const char *nick = m->params[m->nparams > 1 ? 1 : 0];
	struct client *w = nick_find(nick);

	if (!w || !(w->flags & F_REG)) {
		numeric(c, "401", "%s :No such nick/channel", nick);
		numeric(c, "318", "%s :End of /WHOIS list", nick);
		return;
	}
	numeric(c, "311", "%s %s %s * :%s", w->nick, w->user, w->host,
		w->realname ? w->realname : "");
	whois_rooms(c, w);
	numeric(c, "312", "%s %s :%s", w->nick, srv.host, srv.name);
	if (w->away)
		numeric(c, "301", "%s :%s", w->nick, w->away);
	if (w->flags & F_OPER)
		numeric(c, "313", "%s :is an IRC operator", w->nick);
	if (w->account[0])
		numeric(c, "330", "%s %s :is logged in as", w->nick, w->account);
	if (c->flags & F_OPER) /* where they connect from: for operators only */
		numeric(c, "378", "%s :is connecting from *@%s %s", w->nick, w->host, w->host);
	numeric(c, "317", "%s %lld %lld :seconds idle, signon time", w->nick, idle_s(w),
		(long long)time(NULL) - (srv.now - w->since) / 1000);
	numeric(c, "318", "%s :End of /WHOIS list", w->nick);
}

/* --- WHOWAS: the last WHOWAS_MAX nicks given up, in a fixed ring ------------------ */

#define WHOWAS_MAX 32
struct whowas {
	char nick[NICKLEN + 1], user[USERLEN + 1], host[NET_ADDRSTR_MAX];
	char real[REALLEN + 1];
	time_t when;
};
static struct whowas whowas_ring[WHOWAS_MAX];
static unsigned whowas_next, whowas_n;

/* C gives up its nick (a change or leaving): remember who had it. */
void whowas_add(const struct client *c)
{
	struct whowas *e = &whowas_ring[whowas_next];
	if (!(c->flags & F_REG) || !c->nick[0])
		return;
	strlcpy_ok(e->nick, c->nick, sizeof(e->nick));
	strlcpy_ok(e->user, c->user, sizeof(e->user));
	strlcpy_ok(e->host, c->host, sizeof(e->host));
	strlcpy_ok(e->real, c->realname ? c->realname : "", sizeof(e->real));
	e->when = time(NULL);
	whowas_next = (whowas_next + 1) % WHOWAS_MAX;
	if (whowas_n < WHOWAS_MAX)
		whowas_n++;
}

void cmd_whowas(struct client *c, struct irc_msg *m)
{
	const char *nick = m->params[0];
	const char *count = m->nparams > 1 ? m->params[1] : "";
	uint64_t max; /* 0 (none, not a number, or too big): every entry */
	unsigned found = 0;

	if (!num_scan(&count, 10, UINT_MAX, &max))
		max = 0;
	for (unsigned i = 1; i <= whowas_n && (max == 0 || found < max); i++) {
		const struct whowas *e = &whowas_ring[(whowas_next + WHOWAS_MAX - i) % WHOWAS_MAX];
		char when[64];
		struct tm tm;
		if (irc_casecmp(e->nick, nick) != 0)
			continue;
		if (!localtime_r(&e->when, &tm) || !strftime(when, sizeof(when), "%c", &tm))
			strcpy(when, "-");
		numeric(c, "314", "%s %s %s * :%s", e->nick, e->user, e->host, e->real);
		numeric(c, "312", "%s %s :%s", e->nick, srv.host, when);
		found++;
	}
	if (!found)
		numeric(c, "406", "%s :There was no such nickname", nick);
	numeric(c, "369", "%s :End of WHOWAS", nick);
}

/* --- LIST, with the ELIST filters C, M, N, T and U --------------------------------- */

/* One condition of a LIST: a number (users; C/T: minutes ago), a mask,
 * a negated mask (N), or a room's name. */
struct list_cond {
	char what;      /* 'U' users, 'C' created, 'T' topic set, 'M' mask, 'N' not mask */
	char op;        /* '<' or '>' for the numbers */
	unsigned long n;
	const char *mask;
};

static bool list_cond_parse(struct list_cond *k, char *item)
{
	const char *end;
	uint64_t n;
	memset(k, 0, sizeof(*k));
	if ((item[0] == 'C' || item[0] == 'T' || item[0] == 'c' || item[0] == 't') &&
	    (item[1] == '<' || item[1] == '>')) {
		k->what = (char)(item[0] & ~0x20);
		item++;
	} else if (item[0] == '<' || item[0] == '>') {
		k->what = 'U';
	} else {
		k->what = item[0] == '!' ? 'N' : 'M';
		k->mask = item + (item[0] == '!');
		return k->mask[0] != '\0';
	}
	k->op = item[0];
	end = item + 1;
	(void)num_scan(&end, 10, ULONG_MAX, &n); /* a bigger one is ULONG_MAX: every room */
	k->n = (unsigned long)n;
	return end != item + 1 && !*end;
}

/* (a clock set back counts as no time at all) */
static unsigned long minutes_since(time_t then, time_t now)
{
	return now > then ? (unsigned long)(now - then) / 60 : 0;
}

static bool list_cond_ok(const struct list_cond *k, const struct room *r, time_t now)
{
	unsigned long v;
	switch (k->what) {
	case 'M': return irc_glob(k->mask, r->name);
	case 'N': return !irc_glob(k->mask, r->name);
	case 'U': v = r->n; break;
	case 'C': v = minutes_since(r->created, now); break;
	default:
		if (!r->topic)
			return false;
		v = minutes_since(r->topic_time, now);
	}
	return k->op == '<' ? v < k->n : v > k->n;
}

/* R passes every condition, and one of the masks if there are any. */
static bool list_wants(const struct list_cond *k, unsigned nk, const struct room *r, time_t now)
{
	bool masks = false, matched = false;
	for (unsigned i = 0; i < nk; i++) {
		if (k[i].what == 'M') {
			masks = true;
			matched = matched || irc_glob(k[i].mask, r->name);
		} else if (!list_cond_ok(&k[i], r, now)) {
			return false;
		}
	}
	return !masks || matched;
}

void cmd_list(struct client *c, struct irc_msg *m)
{
	struct list_cond k[LIST_CONDS];
	unsigned nk = 0;
	time_t now = time(NULL);
	char *save;

	if (m->nparams && m->params[0][0])
		FOR_EACH_ITEM(item, m->params[0], save)
			if (nk < LIST_CONDS && list_cond_parse(&k[nk], item))
				nk++;
	numeric(c, "321", "Channel :Users  Name");
	for (struct room *r = srv.rooms; r; r = r->next)
		if (room_visible(c, r) && list_wants(k, nk, r, now))
			numeric(c, "322", "%s %u :%s", r->name, r->n, r->topic ? r->topic : "");
	numeric(c, "323", ":End of /LIST");
}

/* --- NAMES ----------------------------------------------------------------------- */

void cmd_names(struct client *c, struct irc_msg *m)
{
	char *save;
	unsigned n = 0;
	if (m->nparams < 1 || !m->params[0][0]) {
		numeric(c, "366", "* :End of /NAMES list");
		return;
	}
	FOR_EACH_ITEM(name, m->params[0], save) {
		struct room *r = room_find(name);
		if (++n > MAXTARGETS) {
			numeric(c, "407", "%s :Too many targets", name);
			break;
		}
		if (r && room_visible(c, r))
			send_names(c, r);
		else
			numeric(c, "366", "%s :End of /NAMES list", name);
	}
}

/* --- the server: LUSERS, TIME, ADMIN, INFO, and what 005 adds for these ---------- */

void send_lusers(struct client *c)
{
	unsigned invisible = 0, opers = 0;
	for (struct client *w = srv.clients; w; w = w->next) {
		if ((w->flags & (F_REG | F_CLOSING)) != F_REG)
			continue;
		invisible += !!(w->flags & F_INVISIBLE);
		opers += !!(w->flags & F_OPER);
	}
	numeric(c, "251", ":There are %u users and %u invisible on 1 servers",
		srv.nreg - invisible, invisible);
	numeric(c, "252", "%u :operator(s) online", opers);
	numeric(c, "253", "%u :unknown connection(s)", srv.nclients - srv.nreg);
	numeric(c, "254", "%u :channels formed", srv.nrooms);
	numeric(c, "255", ":I have %u clients and 0 servers", srv.nreg);
}

void send_isupport_queries(struct client *c)
{
	numeric(c, "005", "WHOX ELIST=CMNTU TARGMAX=KICK:%d,NAMES:%d,NOTICE:%d,PRIVMSG:%d,"
		"WHOIS:1,WHOWAS:1 :are supported by this server",
		MAXTARGETS, MAXTARGETS, MAXTARGETS, MAXTARGETS);
}

void cmd_lusers(struct client *c, struct irc_msg *m)
{
	(void)m;
	send_lusers(c);
}

/* TIME/ADMIN/INFO [server]: there is only this one. */
static bool this_server(struct client *c, struct irc_msg *m)
{
	if (m->nparams && m->params[0][0] && !irc_glob(m->params[0], srv.host)) {
		numeric(c, "402", "%s :No such server", m->params[0]);
		return false;
	}
	return true;
}

void cmd_time(struct client *c, struct irc_msg *m)
{
	time_t now = time(NULL);
	struct tm tm;
	char when[64];
	if (!this_server(c, m))
		return;
	if (!localtime_r(&now, &tm) || !strftime(when, sizeof(when), "%A %B %d %Y -- %H:%M:%S %z", &tm))
		strcpy(when, "-");
	numeric(c, "391", "%s %lld 0 :%s", srv.host, (long long)now, when);
}

void cmd_admin(struct client *c, struct irc_msg *m)
{
	if (!this_server(c, m))
		return;
	numeric(c, "256", "%s :Administrative info", srv.host);
	numeric(c, "257", ":%s", srv.name);
	numeric(c, "258", ":A LAN chat server: whoever runs this network runs it");
	numeric(c, "259", ":No e-mail: ask in %s", srv.lobby);
}

void cmd_info(struct client *c, struct irc_msg *m)
{
	if (!this_server(c, m))
		return;
	numeric(c, "371", ":%s, one small binary for routers and Raspberry Pis", SERVER_VERSION);
	numeric(c, "371", ":IRC apps and plain nc/telnet users share its rooms");
	numeric(c, "374", ":End of INFO list");
}

/* --- HELP: a line per command ---------------------------------------------------- */

static const char *const help_lines[][2] = {
	{ "ADMIN", "ADMIN - who runs this server" },
	{ "AWAY", "AWAY [:text] - mark yourself away, or back without text" },
	{ "HELP", "HELP [command] - this list, or one command" },
	{ "INFO", "INFO - about this server" },
	IF_SERVER_MODERATION({ "INVITE", "INVITE nick #room - let someone into a +i room" },)
	{ "ISON", "ISON nick... - which of them are here (303)" },
	{ "JOIN", "JOIN #room[,#room] [key[,key]] - enter rooms (JOIN 0: leave all)" },
	{ "KICK", "KICK #room nick[,nick] [:reason] - put someone out (room operators)" },
	IF_SERVER_MODERATION({ "KILL", "KILL nick :reason - disconnect someone (server operators)" },)
	IF_SERVER_MODERATION({ "KNOCK", "KNOCK #room [:text] - ask the operators of a closed room"
				" to let you in" },)
	{ "LIST", "LIST [#room|mask|!mask|>n|<n|C<m|C>m|T<m|T>m] - rooms, users, topics" },
	{ "LUSERS", "LUSERS - how many people, operators and rooms" },
	{ "MODE", "MODE #room|nick [changes] - show or change modes" },
	{ "MOTD", "MOTD - the message of the day" },
	{ "NAMES", "NAMES #room[,#room] - who is in a room" },
	{ "NICK", "NICK name - change your nickname" },
	{ "NOTICE", "NOTICE target :text - like PRIVMSG, never answered" },
	IF_SERVER_MODERATION({ "OPER", "OPER name password - become a server operator" },)
	{ "PART", "PART #room [:reason] - leave a room" },
	{ "PING", "PING token - the server answers PONG" },
	{ "PRIVMSG", "PRIVMSG target[,target] :text - talk to a room or a person" },
	{ "QUIT", "QUIT [:reason] - leave" },
	{ "TIME", "TIME - the server's clock" },
	{ "TOPIC", "TOPIC #room [:text] - show or set a room's topic" },
	{ "USERHOST", "USERHOST nick... - their user@host (302)" },
	{ "VERSION", "VERSION - the server's version" },
	IF_SERVER_MODERATION({ "WALLOPS", "WALLOPS :text - to operators and +w users"
				" (server operators)" },)
	{ "WHO", "WHO mask|#room [%fields,token] - list people (WHOX)" },
	{ "WHOIS", "WHOIS nick - about someone" },
	{ "WHOWAS", "WHOWAS nick [count] - who had a nick before" },
};

void cmd_help(struct client *c, struct irc_msg *m)
{
	const char *topic = m->nparams && m->params[0][0] ? m->params[0] : NULL;
	if (!topic) {
		char line[LINE_MAX_IRC] = "";
		numeric(c, "704", "* :Commands (HELP command for one of them):");
		for (unsigned i = 0; i < ARRAY_LEN(help_lines); i++) {
			size_t n = strlen(line);
			snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", help_lines[i][0]);
		}
		numeric(c, "705", "* :%s", line);
		numeric(c, "706", "* :End of /HELP");
		return;
	}
	for (unsigned i = 0; i < ARRAY_LEN(help_lines); i++)
		if (!strcasecmp(topic, help_lines[i][0])) {
			numeric(c, "704", "%s :%s", help_lines[i][0], help_lines[i][1]);
			numeric(c, "706", "%s :End of /HELP", help_lines[i][0]);
			return;
		}
	numeric(c, "524", "%s :No help available on this topic", topic);
}
