/* irc_cmds.c - the IRC front end: registration, then a command table
 * whose commands parse their parameters and call the actions. */
#include "server.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One a line: branches add theirs. Bit i of client.caps is cap_names[i]. */
static const char *const cap_names[] = {
	"multi-prefix",
	"server-time",
	"echo-message",
	"away-notify",
	"userhost-in-names",
	"message-tags",
	"batch",
	"draft/chathistory",
	"labeled-response",
	"sasl",
	"draft/account-registration",
	"account-notify",
	"draft/read-marker",
	"extended-join",
	"account-tag",
};

/* A capability's value for CAP LS 302 ("" if none); NULL: not offered. */
static const char *cap_value(unsigned i)
{
	if (!ENABLE_SERVER_ACCOUNTS && ((1u << i) & (CAP_SASL | CAP_ACCOUNT_REG | CAP_ACCOUNT_NOTIFY |
						    CAP_READ_MARKER | CAP_EXTENDED_JOIN |
						    CAP_ACCOUNT_TAG)))
		return NULL;
	if ((1u << i) == CAP_SASL)
		return "=PLAIN";
	if ((1u << i) == CAP_CHATHISTORY && !ENABLE_SERVER_CHATHISTORY)
		return NULL;
	if ((1u << i) == CAP_ACCOUNT_REG)
		return srv.registration == REG_OFF ? NULL : "=before-connect";
	return "";
}

static void welcome(struct client *c)
{
	c->flags |= F_REG;
	srv.nreg++;
	numeric(c, "001", ":Welcome to %s, %s!%s@%s", srv.name, c->nick, c->user, c->host);
	numeric(c, "002", ":Your host is %s, running version %s", srv.host, SERVER_VERSION);
	numeric(c, "003", ":This server was created %s", srv.created);
	numeric(c, "004", "%s %s %s %s %s", srv.host, SERVER_VERSION, USER_MODES, ROOM_MODES,
		ROOM_MODES_ARG);
	numeric(c, "005", "CASEMAPPING=rfc1459 CHANTYPES=# NICKLEN=%d CHANNELLEN=%d TOPICLEN=%d "
		"CHANLIMIT=#:%d MAXTARGETS=%d "
		"AWAYLEN=%d KICKLEN=%d NETWORK=%s :are supported by this server",
		NICKLEN, ROOMLEN, TOPICLEN, MAXROOMS, MAXTARGETS, AWAYLEN, TOPICLEN,
		srv.network);
	/* the modes' own line (mode.c, ban.c) */
	if (ENABLE_SERVER_MODERATION)
		numeric(c, "005", "%s MODES=%d MAXLIST=beI:%d :are supported by this server",
			ISUPPORT_MODES, MAXMODES, MAXLIST);
	else
		numeric(c, "005", "%s MODES=%d :are supported by this server", ISUPPORT_MODES, MAXMODES);
	if (ENABLE_SERVER_CHATHISTORY)
		numeric(c, "005", "CHATHISTORY=%d MSGREFTYPES=msgid,timestamp :are supported by this server",
			CHATHISTORY_MAX);
	send_isupport_queries(c);
}

static void send_motd(struct client *c)
{
	numeric(c, "375", ":- %s Message of the day -", srv.host);
	numeric(c, "372", ":- Welcome to %s. Everyone meets in %s.", srv.name, srv.lobby);
	numeric(c, "376", ":End of /MOTD command.");
}

static void try_register(struct client *c)
{
	if ((c->flags & (F_REG | F_CAPNEG)) || !c->nick[0] || !(c->flags & F_USER))
		return;
	if (srv.password && !(c->flags & F_PASSOK)) {
		numeric(c, "464", ":Password incorrect");
		client_drop(c, "Bad password", "Closing Link: Bad password");
		return;
	}
	account_before_welcome(c); /* a claimed nick it is not logged in to: a guest */
	welcome(c);
	send_lusers(c);
	send_motd(c);
	msg("%s (%s) joined", c->nick, c->host);
	account_after_welcome(c);
}

struct irc_cmd {
	const char *name;
	void (*fn)(struct client *c, struct irc_msg *m);
	uint8_t min_params;
	bool before_reg; /* allowed before registration */
};

static void cmd_cap(struct client *c, struct irc_msg *m)
{
	const char *sub = m->params[0];
	char list[400] = "";

	if (!strcasecmp(sub, "LS") || !strcasecmp(sub, "LIST")) {
		bool ls = !strcasecmp(sub, "LS");
		const char *version = m->nparams > 1 ? m->params[1] : "";
		uint64_t v;
		if (ls && num_scan(&version, 10, UINT64_MAX, &v) && v >= 302)
			c->flags |= F_CAP302;
		for (unsigned i = 0; i < ARRAY_LEN(cap_names); i++)
			if ((ls && cap_value(i)) || (!ls && (c->caps & (1u << i))))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s%s",
					 list[0] ? " " : "", cap_names[i],
					 ls && (c->flags & F_CAP302) ? cap_value(i) : "");
		if (ls && !(c->flags & F_REG))
			c->flags |= F_CAPNEG;
		send_line(c, ":%s CAP %s %s :%s", srv.host, nick_or_star(c), ls ? "LS" : "LIST", list);
	} else if (!strcasecmp(sub, "REQ")) {
		char req[LINE_MAX_IRC], *tok, *save;
		uint32_t add = 0, del = 0;
		bool ok = m->nparams > 1;
		if (!(c->flags & F_REG))
			c->flags |= F_CAPNEG;
		strlcpy_ok(req, ok ? m->params[1] : "", sizeof(req));
		for (tok = strtok_r(req, " ", &save); tok && ok; tok = strtok_r(NULL, " ", &save)) {
			bool minus = *tok == '-';
			unsigned i = 0;
			while (i < ARRAY_LEN(cap_names) && strcmp(tok + minus, cap_names[i]))
				i++;
			if (i == ARRAY_LEN(cap_names) || !cap_value(i))
				ok = false;
			else if (minus)
				del |= 1u << i;
			else
				add |= 1u << i;
		}
		if (ok)
			c->caps = (c->caps | add) & ~del;
		send_line(c, ":%s CAP %s %s :%s", srv.host, nick_or_star(c), ok ? "ACK" : "NAK",
			  m->nparams > 1 ? m->params[1] : "");
	} else if (!strcasecmp(sub, "END")) {
		c->flags &= (uint16_t)~F_CAPNEG;
		try_register(c);
	} else {
		numeric(c, "410", "%s :Invalid CAP command", sub);
	}
}

static void cmd_pass(struct client *c, struct irc_msg *m)
{
	if (c->flags & F_REG) {
		numeric(c, "462", ":You may not reregister");
		return;
	}
	if (srv.password && strcmp(m->params[0], srv.password) == 0)
		c->flags |= F_PASSOK;
}

static void cmd_nick(struct client *c, struct irc_msg *m)
{
	if (m->nparams < 1 || !m->params[0][0]) {
		numeric(c, "431", ":No nickname given");
		return;
	}
	if (strcmp(c->nick, m->params[0]) == 0 || !nick_ok(c, m->params[0]))
		return;
	if (set_nick(c, m->params[0]))
		try_register(c);
}

static void cmd_user(struct client *c, struct irc_msg *m)
{
	char user[USERLEN + 1];
	size_t n = 0;

	if (c->flags & (F_REG | F_USER)) {
		numeric(c, "462", ":You may not reregister");
		return;
	}
	/* ident: printable, no '@' or '!' that would confuse the prefix */
	for (const char *s = m->params[0]; *s && n < USERLEN; s++)
		if ((unsigned char)*s > ' ' && *s != '@' && *s != '!')
			user[n++] = *s;
	user[n] = '\0';
	memcpy(c->user, n ? user : "user", n ? n + 1 : 5);
	free(c->realname);
	c->realname = utf8_strndup(m->params[3], REALLEN);
	c->flags |= F_USER;
	try_register(c);
}

static void cmd_ping(struct client *c, struct irc_msg *m)
{
	if (m->nparams < 1) {
		numeric(c, "409", ":No origin specified");
		return;
	}
	send_line(c, ":%s PONG %s :%s", srv.host, srv.host, m->params[0]);
}

static void cmd_pong(struct client *c, struct irc_msg *m)
{
	(void)m;
	c->flags &= (uint16_t)~F_PINGED;
}

static void cmd_quit(struct client *c, struct irc_msg *m)
{
	char reason[LINE_MAX_IRC], error[LINE_MAX_IRC + NET_ADDRSTR_MAX + 32];
	snprintf(reason, sizeof(reason), "Quit: %s", m->nparams ? m->params[0] : "");
	snprintf(error, sizeof(error), "Closing Link: %s (%s)", c->host, reason);
	client_drop(c, reason, error);
}

static void cmd_join(struct client *c, struct irc_msg *m)
{
	char *save, *ksave = NULL, *keys = m->nparams > 1 ? m->params[1] : NULL;
	char *key = keys ? strtok_r(keys, ",", &ksave) : NULL;

	if (strcmp(m->params[0], "0") == 0) {
		while (c->nrooms && !(c->flags & F_CLOSING))
			part_room(c, c->rooms[c->nrooms - 1]->name, c->nick);
		return;
	}
	FOR_EACH_ITEM(name, m->params[0], save) {
		join_room(c, name, key);
		key = key ? strtok_r(NULL, ",", &ksave) : NULL;
	}
}

static void cmd_part(struct client *c, struct irc_msg *m)
{
	char *save;
	FOR_EACH_ITEM(name, m->params[0], save)
		part_room(c, name, m->nparams > 1 ? m->params[1] : NULL);
}

/* The client-only tags of TAGS (core/irc.h) into OUT; NULL if none, or
 * if C did not negotiate message-tags (then it sent none on purpose). */
static const char *client_tags(const struct client *c, const char *tags, char *out)
{
	if (!tags || !(c->caps & CAP_MSGTAGS))
		return NULL;
	return irc_client_tags(tags, out, IRC_MAX_TAGS) ? out : NULL;
}

static void privmsg_or_notice(struct client *c, struct irc_msg *m, enum event_kind kind)
{
	char *save, ctags[IRC_MAX_TAGS];
	const char *tags = client_tags(c, m->tags, ctags);
	int n = 0;
	bool notice = kind != EV_PRIVMSG;

	if (m->nparams < 1 || !m->params[0][0]) {
		if (!notice)
			numeric(c, "411", ":No recipient given (%s)", m->cmd);
		return;
	}
	if (kind != EV_TAGMSG && (m->nparams < 2 || !m->params[1][0])) {
		if (!notice)
			numeric(c, "412", ":No text to send");
		return;
	}
	FOR_EACH_ITEM(target, m->params[0], save) {
		if (++n > MAXTARGETS) {
			if (!notice)
				numeric(c, "407", "%s :Too many recipients", target);
			break;
		}
		talk(c, kind, target, kind == EV_TAGMSG ? NULL : m->params[1], tags);
	}
}

static void cmd_privmsg(struct client *c, struct irc_msg *m)
{
	privmsg_or_notice(c, m, EV_PRIVMSG);
}

static void cmd_notice(struct client *c, struct irc_msg *m)
{
	privmsg_or_notice(c, m, EV_NOTICE);
}

/* TAGMSG target: only tags (typing notices), to message-tags clients. */
static void cmd_tagmsg(struct client *c, struct irc_msg *m)
{
	privmsg_or_notice(c, m, EV_TAGMSG);
}

static void cmd_topic(struct client *c, struct irc_msg *m)
{
	struct room *r = room_find(m->params[0]);
	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		send_topic(c, r, true);
		return;
	}
	set_topic(c, r, m->params[1]);
}

static void user_mode(struct client *c, struct irc_msg *m)
{
	if (irc_casecmp(m->params[0], c->nick) != 0) {
		if (nick_find(m->params[0]))
			numeric(c, "502", ":Can't change mode for other users");
		else
			numeric(c, "401", "%s :No such nick/channel", m->params[0]);
		return;
	}
	char modes[8], change[16] = "", sign = 0;
	size_t n = 0;
	if (m->nparams < 2) {
		user_modes_str(c, modes);
		numeric(c, "221", "%s", modes);
		return;
	}
	bool plus = true, unknown = false;
	for (const char *p = m->params[1]; *p && n + 3 < sizeof(change); p++) {
		uint16_t before = c->flags;
		if (*p == '+' || *p == '-')
			plus = *p == '+';
		else if (!user_mode_change(c, plus, *p))
			unknown = true;
		else if (before != c->flags) {
			if (sign != (plus ? '+' : '-'))
				change[n++] = sign = plus ? '+' : '-';
			change[n++] = *p;
			change[n] = '\0';
		}
	}
	if (unknown)
		numeric(c, "501", ":Unknown MODE flag");
	if (change[0])
		send_user_mode(c, change);
}

/* KICK #room nick[,nick] or KICK #a,#b nick,nick (in pairs), at most
 * MAXTARGETS kicks (ISUPPORT TARGMAX). */
static void cmd_kick(struct client *c, struct irc_msg *m)
{
	char *save, *rooms[MAXTARGETS];
	unsigned nrooms = 0, n = 0;
	const char *reason = m->nparams > 2 ? m->params[2] : NULL;

	FOR_EACH_ITEM(name, m->params[0], save)
		if (nrooms < MAXTARGETS)
			rooms[nrooms++] = name;
	FOR_EACH_ITEM(nick, m->params[1], save) {
		const char *name;
		struct room *r;
		if (n >= MAXTARGETS) {
			numeric(c, "407", "%s :Too many targets", nick);
			break;
		}
		if (nrooms != 1 && n >= nrooms)
			break; /* more nicks than rooms to pair them with */
		name = rooms[nrooms == 1 ? 0 : n++];
		n += nrooms == 1;
		if (!(r = room_find(name)))
			numeric(c, "403", "%s :No such channel", name);
		else
			kick(c, r, nick, reason);
	}
}

static void cmd_away(struct client *c, struct irc_msg *m)
{
	set_away(c, m->nparams > 0 ? m->params[0] : NULL);
}

static void cmd_mode(struct client *c, struct irc_msg *m)
{
	if (m->params[0][0] != '#')
		user_mode(c, m);
	else
		room_mode(c, m);
}

static void cmd_motd(struct client *c, struct irc_msg *m)
{
	(void)m;
	send_motd(c);
}

static void cmd_version(struct client *c, struct irc_msg *m)
{
	(void)m;
	numeric(c, "351", "%s %s :LAN chat server", SERVER_VERSION, srv.host);
}

/* USERHOST and ISON: what notify lists and some apps ask on connect. */
static void cmd_userhost(struct client *c, struct irc_msg *m)
{
	char out[LINE_MAX_IRC] = "";
	for (int i = 0; i < m->nparams && i < 5; i++) {
		struct client *w = nick_find(m->params[i]);
		size_t n = strlen(out);
		if (w && w->flags & F_REG)
			snprintf(out + n, sizeof(out) - n, "%s%s%s=%c%s@%s", n ? " " : "", w->nick,
				 w->flags & F_OPER ? "*" : "", w->away ? '-' : '+', w->user, w->host);
	}
	numeric(c, "302", ":%s", out);
}

static void cmd_ison(struct client *c, struct irc_msg *m)
{
	char out[LINE_MAX_IRC] = "", *save;
	/* "ISON a b" or "ISON :a b": nicks in any parameter, spaces between */
	for (int i = 0; i < m->nparams; i++)
		for (char *nick = strtok_r(m->params[i], " ", &save); nick;
		     nick = strtok_r(NULL, " ", &save)) {
			struct client *w = nick_find(nick);
			size_t n = strlen(out);
			if (w && w->flags & F_REG)
				snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", w->nick);
		}
	numeric(c, "303", ":%s", out);
}

/* --- moderation: oper.c, invite.c ------------------------------------------ */
/* (in the table only with SERVER_MODERATION; compiled, so type-checked,
 * either way: "unused" without it) */
static void __attribute__((unused)) cmd_oper(struct client *c, struct irc_msg *m)
{
	oper_login(c, m->params[0], m->params[1]);
}

static void __attribute__((unused)) cmd_kill(struct client *c, struct irc_msg *m)
{
	oper_kill(c, m->params[0], m->nparams > 1 ? m->params[1] : NULL);
}

static void __attribute__((unused)) cmd_wallops(struct client *c, struct irc_msg *m)
{
	wallops(c, m->params[0]);
}

static void __attribute__((unused)) cmd_invite(struct client *c, struct irc_msg *m)
{
	if (m->nparams == 0)
		invites_list(c);
	else if (m->nparams == 1)
		numeric(c, "461", "INVITE :Not enough parameters");
	else
		invite(c, m->params[0], m->params[1]);
}

/* --- accounts: account.c, pending.c ------------------------------------------------ */
static void cmd_authenticate(struct client *c, struct irc_msg *m)
{
	if (!(c->caps & CAP_SASL)) {
		numeric(c, "904", ":SASL authentication failed: CAP REQ sasl first");
		return;
	}
	sasl_step(c, m->params[0]);
}

/* REGISTER ACCOUNT EMAIL PASSWORD (draft/account-registration; the e-mail
 * is not asked for, nor kept) */
static void cmd_register(struct client *c, struct irc_msg *m)
{
	account_register(c, m->params[0], m->params[2]);
}

static void cmd_markread(struct client *c, struct irc_msg *m)
{
	markread(c, m->params[0], m->nparams > 1 ? m->params[1] : NULL);
}

static const struct irc_cmd irc_cmds[] = {
	{ "PRIVMSG", cmd_privmsg, 0, false }, { "NOTICE", cmd_notice, 0, false },
	{ "PING", cmd_ping, 0, true },       { "PONG", cmd_pong, 0, true },
	{ "JOIN", cmd_join, 1, false },      { "PART", cmd_part, 1, false },
	{ "CAP", cmd_cap, 1, true },         { "NICK", cmd_nick, 0, true },
	{ "USER", cmd_user, 4, true },       { "PASS", cmd_pass, 1, true },
	{ "QUIT", cmd_quit, 0, true },       { "TOPIC", cmd_topic, 1, false },
	{ "NAMES", cmd_names, 0, false },    { "LIST", cmd_list, 0, false },
	{ "WHO", cmd_who, 0, false },        { "WHOIS", cmd_whois, 1, false },
	{ "MODE", cmd_mode, 1, false },      { "KICK", cmd_kick, 2, false },
	{ "AWAY", cmd_away, 0, false },      { "MOTD", cmd_motd, 0, false },
	{ "LUSERS", cmd_lusers, 0, false },  { "VERSION", cmd_version, 0, false },
	{ "USERHOST", cmd_userhost, 1, false }, { "ISON", cmd_ison, 1, false },
	/* query.c */
	{ "WHOWAS", cmd_whowas, 1, false },  { "TIME", cmd_time, 0, false },
	{ "ADMIN", cmd_admin, 0, false },    { "INFO", cmd_info, 0, false },
	{ "HELP", cmd_help, 0, false },
#if ENABLE_SERVER_CHATHISTORY
	{ "CHATHISTORY", cmd_chathistory, 1, false },
#endif
	{ "TAGMSG", cmd_tagmsg, 1, false },
#if ENABLE_SERVER_MODERATION
	{ "OPER", cmd_oper, 2, false },      { "KILL", cmd_kill, 1, false },
	{ "WALLOPS", cmd_wallops, 1, false }, { "INVITE", cmd_invite, 0, false },
	{ "KNOCK", cmd_knock, 1, false },
#endif
	/* accounts */
	{ "AUTHENTICATE", cmd_authenticate, 1, true },
	{ "REGISTER", cmd_register, 3, true },
	{ "MARKREAD", cmd_markread, 1, false },
};

static void irc_line(struct client *c, char *line, size_t len, bool cut)
{
	struct irc_msg m;
	/* IRCv3: tags have a limit of their own, not part of the 512 bytes */
	size_t tlen = line[0] == '@' ? strcspn(line, " ") + 1 : 0;

	if (cut || tlen > IRC_MAX_TAGS || len - MIN(tlen, len) > LINE_MAX_IRC) {
		numeric(c, "417", ":Input line was too long");
		return;
	}
	if (irc_parse(line, &m) != 0)
		return;
	for (unsigned i = 0; i < ARRAY_LEN(irc_cmds); i++) {
		const struct irc_cmd *cmd = &irc_cmds[i];
		if (!irc_cmd_is(&m, cmd->name))
			continue;
		if (!cmd->before_reg && !(c->flags & F_REG))
			numeric(c, "451", ":You have not registered");
		else if (m.nparams < cmd->min_params)
			numeric(c, "461", "%s :Not enough parameters", cmd->name);
		else {
			labeled_begin(c, m.tags);
			cmd->fn(c, &m);
			labeled_end(c);
		}
		return;
	}
	if (c->flags & F_REG)
		numeric(c, "421", "%s :Unknown command", m.cmd);
	else
		numeric(c, "451", ":You have not registered");
}

const struct front front_irc = { .line = irc_line, .wire = W_IRC, .pinged = true };
