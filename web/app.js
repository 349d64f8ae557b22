/* app.js - chatbox's page: an IRC client over the server's WebSocket
 * (/socket, IRCv3 text.ircv3.net: one IRC line per frame, no CRLF).
 * Everything from the network reaches the page as text (textContent and
 * text nodes), never as HTML. No framework, no build step. */
'use strict';
(() => {
	const $ = id => document.getElementById(id);
	const WANT = ['server-time', 'echo-message', 'multi-prefix', 'away-notify', 'batch', 'draft/chathistory', 'chathistory'];
	const BIDI = /[\u202a-\u202e\u2066-\u2069]/g; // explicit embeddings, overrides, isolates
	const CTRL = /[\x00-\x08\x0a-\x1f\x7f]/g;
	const CODES = /[\x02\x1d\x1f\x1e\x11\x0f\x16]|\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-f]{6}(?:,[0-9a-f]{6})?)?/gi;
	const URL_RE = /\bhttps?:\/\/[^\s<>"\x00-\x1f]+/gi;

	let ws = null, me = '', want = '', tryNick = '', registered = false, everOnline = false;
	let caps = new Set(), offered = [], backoff = 0, retryAt = 0, retryTimer = 0, pingOut = 0, ticks = 0;
	let firstRooms = [], quitting = false;
	const wins = new Map(); // lc(name) -> window
	let cur = null;
	const queue = []; // {line, el}: typed while offline, sent once after the reconnect
	const echoes = []; // {k, body, el}: own lines shown until the server echoes them

	/* --- small helpers --- */
	const lc = s => s.toLowerCase().replace(/[[\]\\~]/g, c => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c]);
	const pad = n => (n < 10 ? '0' : '') + n;
	function h(tag, attrs, ...kids) {
		const e = document.createElement(tag);
		for (const k in attrs || {}) {
			if (k === 'class') e.className = attrs[k];
			else e.setAttribute(k, attrs[k]);
		}
		e.append(...kids.filter(k => k != null)); // strings become text nodes
		return e;
	}
	const store = (k, v) => { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } };
	const load = k => { try { return localStorage.getItem(k); } catch (e) { return null; } };
	const plain = s => s.replace(CODES, '').replace(BIDI, '').replace(CTRL, '');
	function colour(nick) { // FNV-1a of the nick, folded: one of 8 colours, the same everywhere
		let x = 2166136261;
		for (const c of lc(nick)) x = Math.imul(x ^ c.codePointAt(0), 16777619);
		return 'n' + (((x ^ (x >>> 16)) >>> 0) % 8);
	}
	const nickChar = c => c !== undefined && /[\w{}|^`-]/.test(c);
	function mentions(text) {
		if (!me) return false;
		const s = lc(plain(text)), n = lc(me);
		for (let i = s.indexOf(n); i >= 0; i = s.indexOf(n, i + 1))
			if (!nickChar(s[i - 1]) && !nickChar(s[i + n.length])) return true;
		return false;
	}
	function when(d) {
		const t = pad(d.getHours()) + ':' + pad(d.getMinutes());
		return d.toDateString() === new Date().toDateString() ? t
			: d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + t;
	}
	// Cut TEXT into pieces of at most 400 UTF-8 bytes (a line is 512 with its command).
	function pieces(text) {
		const out = [], enc = new TextEncoder();
		let cur = '', n = 0;
		for (const ch of text) {
			const b = enc.encode(ch).length;
			if (n + b > 400) { out.push(cur); cur = ''; n = 0; }
			cur += ch; n += b;
		}
		if (cur) out.push(cur);
		return out;
	}

	/* --- IRC lines --- */
	function parse(line) {
		const m = { tags: {}, nick: '', src: '', cmd: '', params: [] };
		let i = 0;
		if (line[0] === '@') {
			const sp = line.indexOf(' ');
			for (const t of line.slice(1, sp < 0 ? line.length : sp).split(';')) {
				const eq = t.indexOf('=');
				m.tags[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? '' : t.slice(eq + 1).replace(/\\(.?)/g,
					(_, c) => ({ ':': ';', s: ' ', r: '\r', n: '\n' })[c] ?? c);
			}
			i = sp < 0 ? line.length : sp + 1;
		}
		while (line[i] === ' ') i++;
		if (line[i] === ':') {
			let sp = line.indexOf(' ', i);
			if (sp < 0) sp = line.length;
			m.src = line.slice(i + 1, sp);
			m.nick = m.src.includes('!') ? m.src.slice(0, m.src.indexOf('!')) : '';
			i = sp + 1;
		}
		let rest = line.slice(i), trailing = null;
		const t = rest.indexOf(' :');
		if (t >= 0) { trailing = rest.slice(t + 2); rest = rest.slice(0, t); }
		m.params = rest.split(' ').filter(Boolean);
		m.cmd = (m.params.shift() || '').toUpperCase();
		if (trailing !== null) m.params.push(trailing);
		return m;
	}
	function send(line) {
		if (ws && ws.readyState === 1) ws.send(line);
	}
	const online = () => registered && ws && ws.readyState === 1;
	function sendOrQueue(line, el) {
		if (online()) send(line);
		else queue.push({ line, el });
	}

	/* --- rendering text: IRC codes rendered or dropped, URLs as safe links --- */
	function links(s, into) {
		let last = 0, m;
		URL_RE.lastIndex = 0;
		while ((m = URL_RE.exec(s))) {
			let u = m[0].replace(/[.,;:!?'")\]}>]+$/, '');
			if (u.endsWith(')') === false && m[0].slice(u.length).startsWith(')') && u.includes('('))
				u += ')'; // https://en.wikipedia.org/wiki/X_(Y)
			let href = null;
			try {
				const p = new URL(u);
				if (p.protocol === 'http:' || p.protocol === 'https:') href = p.href;
			} catch (e) { /* not a URL after all */ }
			into.append(s.slice(last, m.index),
				href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, u) : u);
			last = URL_RE.lastIndex = m.index + u.length;
		}
		into.append(s.slice(last));
	}
	function render(text, into) {
		const st = { b: 0, i: 0, u: 0, s: 0, m: 0 };
		let last = 0, m;
		const flush = s => {
			s = s.replace(BIDI, '').replace(CTRL, '');
			if (!s) return;
			const cls = Object.keys(st).filter(k => st[k]).join(' ');
			const box = cls ? h('span', { class: cls }) : into;
			links(s, box);
			if (box !== into) into.append(box);
		};
		CODES.lastIndex = 0;
		while ((m = CODES.exec(text))) {
			flush(text.slice(last, m.index));
			last = CODES.lastIndex;
			const k = { '\x02': 'b', '\x1d': 'i', '\x1f': 'u', '\x1e': 's', '\x11': 'm' }[m[0]];
			if (k) st[k] ^= 1;
			else if (m[0] === '\x0f') for (const j in st) st[j] = 0;
		}
		flush(text.slice(last));
	}

	/* --- windows: rooms, private chats, and one for the server's words --- */
	function win(name, make = true) {
		const k = lc(name);
		let w = wins.get(k);
		if (w || !make) return w;
		const kind = name === '*' ? 'server' : name[0] === '#' ? 'room' : 'query';
		const label = kind === 'server' ? 'Server' : name;
		w = {
			name, k, kind, seen: new Set(), unread: 0, mention: 0, members: new Map(), topic: '',
			joined: false, wasJoined: false, namesDone: true, joinT: 0,
			log: h('div', { class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0', 'aria-label': 'Conversation in ' + label }),
			nameEl: h('span', { class: 'name' }, label), badge: h('span', { class: 'badge', hidden: '' }),
		};
		w.log.hidden = true;
		w.btn = h('button', { type: 'button' }, w.nameEl, w.badge);
		w.btn.onclick = () => { show(w); drawer(null); $('msg').focus(); };
		w.item = h('li', {}, w.btn);
		$('logs').append(w.log);
		$('wins').append(w.item);
		wins.set(k, w);
		return w;
	}
	function rename(w, name) {
		wins.delete(w.k);
		w.name = name; w.k = lc(name);
		w.nameEl.textContent = name;
		w.log.setAttribute('aria-label', 'Conversation in ' + name);
		wins.set(w.k, w);
		if (w === cur) header();
	}
	function close(w) {
		w.log.remove(); w.item.remove(); wins.delete(w.k);
		if (cur === w) { cur = null; const next = [...wins.values()][0]; if (next) show(next); else header(); }
		badges();
	}
	const here = () => cur || win('*');
	function show(w) {
		cur = w;
		for (const x of wins.values()) {
			x.log.hidden = x !== w;
			x.btn.setAttribute('aria-current', x === w ? 'true' : 'false');
		}
		w.unread = w.mention = 0;
		header(); members(); badges();
		w.log.scrollTop = w.log.scrollHeight;
	}
	function header() {
		$('wname').textContent = cur ? (cur.kind === 'server' ? 'Server' : cur.name) : '';
		$('topic').textContent = cur ? plain(cur.topic) : '';
		$('topic').title = $('topic').textContent;
	}
	function badges() {
		let u = 0, at = 0;
		for (const w of wins.values()) {
			w.badge.hidden = !w.unread;
			w.badge.textContent = w.mention ? '@' + w.unread : w.unread;
			w.badge.classList.toggle('at', w.mention > 0);
			w.badge.setAttribute('aria-label', w.unread + ' unread' + (w.mention ? ', ' + w.mention + ' mentioning you' : ''));
			u += w.unread; at += w.mention;
		}
		const mb = $('menubadge');
		mb.hidden = !u; mb.textContent = at ? '@' + u : u; mb.classList.toggle('at', at > 0);
		document.title = (u ? '(' + u + ') ' : '') + (at ? '@' + at + ' ' : '') + (cur && cur.kind !== 'server' ? cur.name + ' - ' : '') + 'chat';
	}
	function members() {
		const ul = $('memlist');
		ul.replaceChildren();
		const w = cur && cur.kind === 'room' ? cur : null;
		$('memhead').textContent = w ? 'People in ' + w.name + ' (' + w.members.size + ')' : 'People';
		if (!w) return;
		const rank = p => (p.includes('@') ? 0 : p.includes('+') ? 1 : 2);
		const list = [...w.members.values()].sort((a, b) => rank(a.pfx) - rank(b.pfx) || lc(a.nick).localeCompare(lc(b.nick)));
		for (const m of list) {
			const b = h('button', { type: 'button', class: m.away ? 'away' : '', title: 'Talk privately with ' + m.nick },
				h('span', { class: 'pfx' }, m.pfx.slice(0, 1)), h('bdi', { class: colour(m.nick) }, m.nick));
			b.onclick = () => openQuery(m.nick);
			ul.append(h('li', {}, b));
		}
	}
	function openQuery(nick) {
		if (lc(nick) === lc(me)) return;
		show(win(nick)); drawer(null); $('msg').focus();
	}

	/* Put EL into W's log in order: a line with a server time (history
	 * replayed on join, after a reconnect too) goes before newer ones; lines
	 * not yet sent stay last. KEY (time, nick, text) shows a line once. */
	function put(w, el, t, st, key) {
		if (key) {
			if (w.seen.has(key)) return false;
			w.seen.add(key);
		}
		const log = w.log, stick = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
		el.dataset.t = t;
		if (st != null) { el.dataset.st = st; if (!(st <= w.lastSt)) w.lastSt = st; }
		let after = log.lastElementChild;
		while (after && (after.classList.contains('pending') || (st != null && after.dataset.st && +after.dataset.st > st)))
			after = after.previousElementSibling;
		if (after) after.after(el); else log.prepend(el);
		if (stick) log.scrollTop = log.scrollHeight;
		return true;
	}
	function line(nick, body, t, kind) {
		const d = new Date(t);
		let text = body;
		if (body.startsWith('\x01ACTION ')) { kind = 'action'; text = body.slice(8).replace(/\x01$/, ''); }
		const el = h('div', { class: 'msg' + (kind ? ' ' + kind : '') }, stamp(d), ' ');
		el.append(h('bdi', { class: 'who ' + colour(nick), 'data-nick': nick },
			kind === 'action' ? '* ' + nick : kind === 'notice' ? '-' + nick + '-' : nick), ' ');
		const tx = h('span', { class: 'text', dir: 'auto' });
		render(text, tx);
		el.append(tx);
		return el;
	}
	const stamp = d => h('time', { datetime: d.toISOString(), title: d.toLocaleString() }, when(d));
	function info(w, text, cls = 'info', t = Date.now(), st = null) {
		put(w, h('div', { class: 'msg ' + cls }, stamp(new Date(t)), ' ',
			h('span', { class: 'text', dir: 'auto' }, plain(text))), t, st);
	}
	// Joins, parts, quits, nick changes: one compact line for a run of them.
	function meta(w, text, t, st) {
		const last = w.log.lastElementChild;
		const span = h('span', { dir: 'auto' }, plain(text));
		if (last && last.classList.contains('meta') && last.children.length < 13 && t - last.dataset.t < 300000) {
			last.append(span);
			if (w.log.scrollHeight - w.log.scrollTop - w.log.clientHeight < 80) w.log.scrollTop = w.log.scrollHeight;
			return;
		}
		put(w, h('div', { class: 'msg meta' }, stamp(new Date(t)), span), t, st);
	}
	function bump(w, mention, from, text) {
		if (w === cur && !document.hidden && document.hasFocus()) return;
		w.unread++;
		if (mention) { w.mention++; notify(w, from, text); }
		badges();
	}

	/* --- notifications --- */
	function notifState() {
		const msg = $('notifmsg'), btn = $('notifbtn');
		btn.hidden = true;
		if (!window.isSecureContext)
			msg.textContent = 'Notifications need HTTPS or localhost: this page came over plain HTTP from ' + location.host + '. The tab title still counts unread lines.';
		else if (!('Notification' in window)) msg.textContent = 'This browser has no notifications.';
		else if (Notification.permission === 'granted') msg.textContent = 'Notifications are on for mentions and private messages.';
		else if (Notification.permission === 'denied') msg.textContent = 'Notifications are blocked in this browser\'s settings.';
		else { btn.hidden = false; msg.textContent = 'Get a notification when someone mentions you.'; }
	}
	function notify(w, from, text) {
		if (!window.isSecureContext || !('Notification' in window) || Notification.permission !== 'granted') return;
		if (!document.hidden && document.hasFocus()) return;
		try {
			const n = new Notification(w.kind === 'room' ? from + ' in ' + w.name : from, { body: plain(text), tag: w.k, icon: 'icon.svg' });
			n.onclick = () => { window.focus(); show(w); n.close(); };
		} catch (e) { /* Android's Chrome wants a service worker for these */ }
	}

	/* --- the connection --- */
	function setState(s, text) {
		const e = $('state');
		e.dataset.state = s;
		e.textContent = text || s;
	}
	function connect() {
		clearTimeout(retryTimer);
		retryAt = 0;
		if (ws) { ws.onclose = ws.onmessage = ws.onopen = null; try { ws.close(); } catch (e) { /* gone */ } }
		quitting = false;
		tryNick = want;
		setState('connecting', 'connecting\u2026');
		const s = ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/socket', ['text.ircv3.net']);
		s.onopen = () => {
			caps = new Set(); offered = [];
			send('CAP LS 302');
			send('NICK ' + tryNick);
			send('USER web 0 * :' + want);
		};
		s.onmessage = e => {
			if (typeof e.data !== 'string') return;
			for (const l of e.data.split(/\r?\n/)) if (l) onLine(l);
		};
		s.onclose = () => { if (ws === s) dropped(); };
	}
	function dropped() {
		ws = null; registered = false; pingOut = 0;
		for (const w of wins.values()) w.joined = false;
		if (!everOnline) {
			setState('offline');
			if (!quitting) joinError('Could not reach the chat server at ' + location.host + '.');
			return;
		}
		if (quitting) { setState('offline', 'offline (you quit; /join to come back)'); return; }
		const delay = Math.min(15000, 1000 * 2 ** backoff) * (1 + Math.random() * 0.25);
		backoff = Math.min(backoff + 1, 4);
		retryAt = Date.now() + delay;
		retryTimer = setTimeout(connect, delay);
		tick();
	}
	function tick() {
		if (retryAt) setState('offline', 'offline, retrying in ' + Math.max(1, Math.round((retryAt - Date.now()) / 1000)) + ' s');
		// Keepalive: a PING every 30 s; none answered in 30 s means a dead link.
		if (++ticks % 30 === 0 && online()) {
			if (pingOut) return dead();
			if (lc(me) !== lc(want)) regain(); // the old link held it
			pingOut = Date.now();
			send('PING :alive');
		}
	}
	function dead() {
		const s = ws;
		if (s) { s.onclose = s.onmessage = null; try { s.close(); } catch (e) { /* gone */ } }
		if (s || everOnline) dropped();
	}
	// A phone that slept, or a network that came back: check now.
	function wake() {
		if (!everOnline || quitting) return;
		if (!ws || ws.readyState > 1) { backoff = 0; connect(); return; }
		if (ws.readyState === 1 && !pingOut) {
			pingOut = Date.now();
			send('PING :wake');
			const s = ws;
			setTimeout(() => { if (ws === s && pingOut) dead(); }, 5000);
		}
	}
	function joinError(text) {
		$('joinerr').textContent = text;
		$('go').disabled = false;
	}

	function welcome(nick) {
		me = nick; registered = true; backoff = 0; pingOut = 0;
		setState('online');
		store('chatbox.nick', want);
		let rooms;
		if (!everOnline) {
			everOnline = true;
			$('join').hidden = true; $('chat').hidden = false;
			rooms = firstRooms;
			notifState();
			$('msg').focus();
		} else {
			rooms = [...wins.values()].filter(w => w.kind === 'room').map(w => w.name);
			for (const w of wins.values()) if (w.kind !== 'server') info(w, 'Reconnected.');
		}
		if (rooms.length) send('JOIN ' + rooms.join(','));
		// With chathistory (a server that keeps history on disk), what came
		// after the last line shown; the replay on JOIN covers the rest.
		if (caps.has('chathistory') || caps.has('draft/chathistory'))
			for (const w of wins.values())
				if (w.lastSt && w.kind !== 'server') send('CHATHISTORY AFTER ' + w.name + ' timestamp=' + new Date(w.lastSt).toISOString() + ' 100');
		// The server handles lines in order: these come after the JOINs.
		for (const q of queue.splice(0)) {
			send(q.line);
			if (q.el && !caps.has('echo-message')) q.el.classList.remove('pending');
		}
	}
	let regaining = false;
	function regain() { regaining = true; send('NICK ' + want); }
	function nickError(m) {
		if (regaining) { regaining = false; return; }
		const bad = m.params[1] || '', why = m.cmd === '433' ? 'is taken' : 'cannot be a nickname';
		if (registered) return info(here(), 'The nickname ' + bad + ' ' + why + '.', 'error');
		if (!everOnline) {
			quitting = true;
			const s = ws; ws = null;
			if (s) { s.onclose = null; s.close(); }
			setState('offline');
			joinError(m.cmd === '433' ? 'The nickname "' + bad + '" is taken. Please choose another.'
				: '"' + bad + '" cannot be a nickname: use letters, digits and - _ [ ] { } ^ ` |, starting with a letter.');
			$('nick').focus();
			return;
		}
		// Reconnecting while the old connection still holds the nick.
		tryNick = (want.length < 28 ? want : want.slice(0, 27)) + '_'.repeat(1 + (tryNick.length - want.length));
		send('NICK ' + tryNick);
	}

	function onLine(raw) {
		const m = parse(raw), p = m.params;
		const st = m.tags.time ? Date.parse(m.tags.time) : NaN;
		const hasT = !isNaN(st), t = hasT ? st : Date.now(), stv = hasT ? st : null;
		const self = m.nick && lc(m.nick) === lc(me);
		let w;
		switch (m.cmd) {
		case 'PING': send('PONG :' + (p[0] || '')); break;
		case 'PONG': pingOut = 0; break;
		case 'CAP': {
			const sub = (p[1] || '').toUpperCase();
			if (sub === 'LS') {
				const more = p.length > 3 && p[2] === '*';
				offered.push(...p[p.length - 1].split(' ').map(c => c.split('=')[0]));
				if (more) break;
				const req = WANT.filter(c => offered.includes(c));
				send(req.length ? 'CAP REQ :' + req.join(' ') : 'CAP END');
			} else if (sub === 'ACK') {
				for (const c of p[p.length - 1].split(' ')) if (c) caps.add(c.replace(/^-/, ''));
				send('CAP END');
			} else if (sub === 'NAK') send('CAP END');
			break;
		}
		case '001': welcome(p[0]); break;
		case '432': case '433': nickError(m); break;
		case 'NICK': {
			const to = p[0];
			if (self) { me = to; want = to; tryNick = to; regaining = false; store('chatbox.nick', to); }
			for (const x of wins.values()) {
				const mem = x.members.get(lc(m.nick));
				if (mem) {
					x.members.delete(lc(m.nick)); mem.nick = to; x.members.set(lc(to), mem);
					meta(x, (self ? 'You are' : m.nick + ' is') + ' now known as ' + to, t, stv);
				}
			}
			const q = win(m.nick, false);
			if (q && q.kind === 'query' && !win(to, false)) { rename(q, to); meta(q, m.nick + ' is now known as ' + to, t, stv); }
			members();
			break;
		}
		case 'JOIN':
			w = win(p[0]);
			if (self) {
				const again = w.wasJoined;
				w.joined = w.wasJoined = true; w.joinT = stv; w.members.clear();
				if (!again) { info(w, 'You joined ' + w.name + '.', 'info', t, stv); show(w); }
			} else {
				w.members.set(lc(m.nick), { nick: m.nick, pfx: '', away: false });
				meta(w, '\u2192 ' + m.nick + ' joined', t, stv);
			}
			if (w === cur) members();
			break;
		case 'PART':
			if (!(w = win(p[0], false))) break;
			if (self) { close(w); break; }
			w.members.delete(lc(m.nick));
			meta(w, '\u2190 ' + m.nick + ' left' + (p[1] ? ' (' + p[1] + ')' : ''), t, stv);
			if (w === cur) members();
			break;
		case 'KICK':
			if (!(w = win(p[0], false))) break;
			w.members.delete(lc(p[1]));
			if (lc(p[1]) === lc(me)) { w.joined = false; info(w, m.nick + ' removed you from ' + w.name + (p[2] ? ': ' + p[2] : '') + '. /join ' + w.name + ' to come back.', 'error', t); }
			else meta(w, '\u2190 ' + m.nick + ' removed ' + p[1] + (p[2] ? ' (' + p[2] + ')' : ''), t, stv);
			if (w === cur) members();
			break;
		case 'QUIT':
			if (registered && lc(m.nick) === lc(want) && lc(me) !== lc(want)) regain();
			for (const x of wins.values())
				if (x.members.delete(lc(m.nick)) || x.k === lc(m.nick))
					meta(x, '\u2190 ' + m.nick + ' quit' + (p[0] ? ' (' + p[0] + ')' : ''), t, stv);
			members();
			break;
		case 'AWAY':
			for (const x of wins.values()) { const mem = x.members.get(lc(m.nick)); if (mem) mem.away = !!p[0]; }
			members();
			break;
		case 'PRIVMSG': case 'NOTICE': {
			const target = p[0] || '', body = p[1] || '';
			if (!m.nick) { // the server's own notices
				if (registered) info(here(), body, 'info', t);
				break;
			}
			if (body[0] === '\x01' && !body.startsWith('\x01ACTION ')) break; // other CTCP
			w = win(target[0] === '#' ? target : self ? target : m.nick);
			const key = hasT ? st + '\0' + m.nick + '\0' + body : null;
			const el = line(m.nick, body, t, m.cmd === 'NOTICE' ? 'notice' : '');
			if (self) {
				const i = echoes.findIndex(e => e.k === w.k && e.body === body);
				if (i >= 0) { echoes[i].el.remove(); echoes.splice(i, 1); }
			}
			const mention = !self && (w.kind === 'query' || mentions(body));
			if (mention) el.classList.add('mention');
			if (put(w, el, t, stv, key) && !self && !(hasT && w.joinT && st < w.joinT)) bump(w, mention, m.nick, body);
			break;
		}
		case 'TOPIC':
			if (!(w = win(p[0], false))) break;
			w.topic = p[1] || '';
			meta(w, m.nick + (w.topic ? ' set the topic: ' + w.topic : ' cleared the topic'), t, stv);
			if (w === cur) header();
			break;
		case '331': case '332':
			if ((w = win(p[1], false))) { w.topic = m.cmd === '332' ? p[2] || '' : ''; if (w === cur) header(); }
			break;
		case '353':
			if (!(w = win(p[2], false))) break;
			if (w.namesDone) { w.members.clear(); w.namesDone = false; }
			for (const n of (p[3] || '').split(' ')) {
				const nick = n.replace(/^[@+%~&]+/, '').split('!')[0];
				if (nick) w.members.set(lc(nick), { nick, pfx: n.slice(0, n.length - n.replace(/^[@+%~&]+/, '').length), away: false });
			}
			break;
		case '366':
			if ((w = win(p[1], false))) { w.namesDone = true; if (w === cur) members(); }
			break;
		case 'MODE': {
			if (!(w = win(p[0], false)) || w.kind !== 'room') break;
			let sign = '+', a = 2;
			for (const c of p[1] || '') {
				if (c === '+' || c === '-') { sign = c; continue; }
				if ('kl'.includes(c) && (sign === '+' || c === 'k')) { a++; continue; }
				if (c !== 'o' && c !== 'v') continue;
				const mem = w.members.get(lc(p[a++] || ''));
				const ch = c === 'o' ? '@' : '+';
				if (mem) mem.pfx = sign === '+' ? (mem.pfx.includes(ch) ? mem.pfx : (ch === '@' ? ch + mem.pfx : mem.pfx + ch)) : mem.pfx.replace(ch, '');
			}
			meta(w, m.nick + ' set ' + p.slice(1).join(' '), t, stv);
			if (w === cur) members();
			break;
		}
		case '301': info(win(p[1]), p[1] + ' is away: ' + (p[2] || ''), 'info', t); break;
		case '305': case '306': info(here(), p[1] || '', 'info', t); break;
		case 'ERROR': if (everOnline) info(here(), 'The server closed the connection: ' + (p[0] || ''), 'error'); break;
		default:
			if (/^[45]\d\d$/.test(m.cmd) && registered) info(here(), p.slice(1).join(' '), 'error', t);
		}
	}

	/* --- what the user types --- */
	function say(target, text, action) {
		const w = win(target);
		for (const part of pieces(text)) {
			const body = action ? '\x01ACTION ' + part + '\x01' : part;
			const el = line(me || want, body, Date.now());
			const echo = caps.has('echo-message');
			if (!online() || echo) el.classList.add('pending');
			put(w, el, Date.now(), null, null);
			if (echo || !online()) echoes.push({ k: w.k, body, el });
			sendOrQueue('PRIVMSG ' + target + ' :' + body, el);
		}
		w.log.scrollTop = w.log.scrollHeight;
	}
	const HELP = '/me ACTION, /nick NAME, /join #ROOM, /part [#ROOM], /msg NICK TEXT, /query NICK, /topic [TEXT], /away [TEXT], /quit';
	function command(text) {
		const [, cmd, rest = ''] = text.match(/^\/(\S+)\s*([\s\S]*)$/) || [];
		const arg = rest.trim(), first = arg.split(/\s+/)[0] || '', after = arg.slice(first.length).trim();
		const need = what => info(here(), 'Usage: /' + cmd + ' ' + what, 'error');
		switch ((cmd || '').toLowerCase()) {
		case 'me':
			if (!cur || cur.kind === 'server') return info(here(), 'Join a room first.', 'error');
			return arg ? say(cur.name, arg, true) : need('TEXT');
		case 'nick':
			if (!first) return need('NAME');
			want = first;
			if (online()) send('NICK ' + first); else { tryNick = first; info(here(), 'You will be ' + first + ' once back online.'); }
			return;
		case 'join': case 'j': {
			if (!first) return need('#ROOM');
			const room = first[0] === '#' ? first : '#' + first, w = win(room, false);
			if (w && w.joined) return show(w);
			if (quitting && !online()) { quitting = false; backoff = 0; firstRooms = [room]; connect(); return; }
			return sendOrQueue('JOIN ' + room + (after ? ' ' + after : ''));
		}
		case 'part': case 'leave': {
			const w = first[0] === '#' ? win(first, false) : cur;
			const why = first[0] === '#' ? after : arg;
			if (!w || w.kind === 'server') return need('[#ROOM] [REASON]');
			if (w.kind === 'query' || !w.joined) return close(w);
			return sendOrQueue('PART ' + w.name + (why ? ' :' + why : ''));
		}
		case 'msg': case 'query': case 'q':
			if (!first || first[0] === '#' && cmd !== 'msg') return need('NICK [TEXT]');
			if (after) say(first, after);
			return show(win(first));
		case 'topic':
			if (!cur || cur.kind !== 'room') return info(here(), 'Topics belong to rooms.', 'error');
			return sendOrQueue('TOPIC ' + cur.name + (arg ? ' :' + arg : ''));
		case 'away':
			return sendOrQueue(arg ? 'AWAY :' + arg : 'AWAY');
		case 'quit':
			quitting = true; send('QUIT :' + (arg || 'bye'));
			return;
		case 'help':
			return info(here(), HELP);
		default:
			return info(here(), 'Unknown command /' + cmd + '. ' + HELP, 'error');
		}
	}
	function submit(text) {
		if (!text.trim()) return;
		if (text[0] === '/' && text[1] !== '/') return command(text);
		if (text[0] === '/') text = text.slice(1);
		if (!cur || cur.kind === 'server') return info(here(), 'Join a room first: /join #lobby', 'error');
		say(cur.name, text);
	}

	/* --- drawers (phone) and the keyboard --- */
	let opener = null;
	function drawer(id) {
		for (const [d, b] of [['side', 'menubtn'], ['members', 'membtn']]) {
			const open = d === id;
			$(d).classList.toggle('open', open);
			$(b).setAttribute('aria-expanded', open);
		}
		$('scrim').hidden = !id;
		if (id) { opener = document.activeElement; const f = $(id).querySelector('button, input'); if (f) f.focus(); }
		else if (opener) { opener = null; }
	}
	const toggle = id => () => drawer($(id).classList.contains('open') ? null : id);

	function init() {
		$('nick').value = load('chatbox.nick') || '';
		($('nick').value ? $('go') : $('nick')).focus();
		$('joinform').onsubmit = e => {
			e.preventDefault();
			const n = $('nick').value.trim();
			let r = $('room').value.trim() || '#lobby';
			if (r[0] !== '#') r = '#' + r;
			if (!/^[A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]{0,29}$/.test(n))
				return joinError(n ? '"' + n + '" cannot be a nickname: use letters, digits and - _ [ ] { } ^ ` |, starting with a letter.' : 'Type a nickname first.');
			if (/[\s,\x00-\x1f]/.test(r)) return joinError('A room name has no spaces or commas.');
			want = tryNick = n; firstRooms = [r];
			store('chatbox.nick', n);
			$('go').disabled = true;
			$('joinerr').textContent = '';
			connect();
		};
		$('say').onsubmit = e => {
			e.preventDefault();
			const v = $('msg').value;
			$('msg').value = '';
			submit(v);
		};
		$('joinroom').onsubmit = e => {
			e.preventDefault();
			const v = $('newroom').value.trim();
			if (!v) return;
			$('newroom').value = '';
			drawer(null);
			command('/join ' + v);
			$('msg').focus();
		};
		$('menubtn').onclick = toggle('side');
		$('membtn').onclick = toggle('members');
		$('scrim').onclick = () => drawer(null);
		$('notifbtn').onclick = () => Notification.requestPermission().then(notifState, notifState);
		$('logs').onclick = e => {
			const who = e.target.closest('.who');
			if (who) openQuery(who.dataset.nick);
		};
		document.addEventListener('keydown', e => {
			if (e.key === 'Escape' && $('scrim').hidden === false) { const o = opener; drawer(null); if (o) o.focus(); }
			if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && cur) { // Alt+Up/Down: the next window
				const all = [...wins.values()], i = all.indexOf(cur);
				show(all[(i + (e.key === 'ArrowUp' ? all.length - 1 : 1)) % all.length]);
				e.preventDefault();
			}
		});
		document.addEventListener('visibilitychange', () => {
			if (document.hidden) return;
			if (cur) { cur.unread = cur.mention = 0; badges(); }
			wake();
		});
		window.addEventListener('online', wake);
		window.addEventListener('focus', () => { if (cur) { cur.unread = cur.mention = 0; badges(); } });
		setInterval(tick, 1000);
	}
	init();
})();
