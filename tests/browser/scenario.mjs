// scenario.mjs - the chat page in a real browser (tests/t-web-browser.py runs it).
//
// Headless Debian chromium, driven by playwright-core: two browser users
// (ana at desktop size, bo at 360x640), an IRC user (ivy, a raw socket with
// server-time) and an nc user (ned, plain text) share #lobby on a chat-server
// on a loopback port. ana reaches the server through a TCP relay of this
// script's, so her link can drop or go silent while the server stays up.
// Prints PASS:/FAIL:/SKIP: lines; every wait polls a condition, bounded.
//
// Env: CHATBOX_BIN (the binary; CHATBOX_EMU: behind qemu-user), SHOTS (where the screenshots go: default
// build/screenshots), CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.CHATBOX_BIN || path.join(TOP, 'build/x86_64/chatbox');
const SHOTS = process.env.SHOTS || path.join(TOP, 'build/screenshots');
const EMU = (process.env.CHATBOX_EMU || '').split(' ').filter(Boolean); // qemu-user on a cross board
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T0 = Date.now();
let failed = 0;

const pass = name => console.log('PASS: ' + name);
const fail = (name, why) => { failed++; console.log('FAIL: ' + name + (why ? ': ' + why : '')); };
async function check(name, fn) {
	try {
		const r = await fn();
		if (r === false) fail(name); else pass(name);
		return true;
	} catch (e) {
		fail(name, String(e && e.message || e).split('\n')[0]);
		return false;
	}
}
// Poll FN until it returns something true; throw WHAT after MS.
async function until(fn, what, ms = 8000) {
	const end = Date.now() + ms;
	let last;
	for (;;) {
		try { last = await fn(); if (last) return last; } catch (e) { last = e; }
		if (Date.now() > end) throw new Error('timed out waiting for ' + what + (last instanceof Error ? ' (' + last.message.split('\n')[0] + ')' : ''));
		await new Promise(r => setTimeout(r, 50));
	}
}

/* --- the server, killed and restarted on the same port --- */
let srv = null, srvOut = '';
function startServer(port) {
	srvOut = '';
	const cmd = [...EMU, BIN];
	srv = spawn(cmd[0], [...cmd.slice(1), 'chat-server', '-f', '-M', '-p', String(port), '-R', '0', '-H', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
	srv.stdout.on('data', d => { srvOut += d; });
	srv.stderr.on('data', d => { srvOut += d; });
	return until(() => { const m = /listening on port (\d+)/.exec(srvOut); return m && +m[1]; }, 'chat-server to listen', 10000);
}
function killServer() {
	return new Promise(r => { if (!srv || srv.exitCode !== null) return r(); srv.once('exit', r); srv.kill('SIGKILL'); });
}

/* --- ana's link: a TCP relay that can pass, cut, refuse or go silent --- */
const relay = { mode: 'pass', socks: new Set(), port: 0, up: 0 };
const relaySrv = net.createServer(c => {
	if (relay.mode === 'refuse') return c.destroy();
	const u = net.connect(relay.up, '127.0.0.1');
	const pair = { c, u };
	relay.socks.add(pair);
	const end = () => { c.destroy(); u.destroy(); relay.socks.delete(pair); };
	c.on('data', d => { if (relay.mode !== 'silent') u.write(d); });
	u.on('data', d => { if (relay.mode !== 'silent') c.write(d); });
	c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
});
const cutRelay = () => { for (const { c, u } of relay.socks) { c.destroy(); u.destroy(); } relay.socks.clear(); };

/* --- line users: IRC (raw socket) and plain text (nc) --- */
class LineUser {
	constructor(port) {
		this.lines = []; this.seen = 0; this.buf = '';
		this.sock = net.connect(port, '127.0.0.1');
		this.sock.setEncoding('utf8');
		this.sock.on('data', d => {
			this.buf += d;
			let i;
			while ((i = this.buf.indexOf('\n')) >= 0) {
				const l = this.buf.slice(0, i).replace(/\r$/, '');
				this.buf = this.buf.slice(i + 1);
				this.lines.push(l);
				if (/^(@\S+ )?PING /.test(l)) this.send(l.replace(/^(@\S+ )?PING/, 'PONG'));
			}
		});
		this.sock.on('error', () => {});
	}
	send(l) { this.sock.write(l + '\r\n'); }
	// The first line from the unread ones matching RX (consumed up to it).
	async expect(rx, what, ms = 8000) {
		return until(() => {
			for (let i = this.seen; i < this.lines.length; i++) {
				const m = rx.exec(this.lines[i]);
				if (m) { this.seen = i + 1; return m; }
			}
			return null;
		}, what || String(rx), ms);
	}
	count(rx) { return this.lines.filter(l => rx.test(l)).length; }
	close() { this.sock.destroy(); }
}
async function ircUser(port, nick, rooms) {
	const u = new LineUser(port);
	u.send('CAP LS 302'); u.send('NICK ' + nick); u.send('USER ' + nick + ' 0 * :' + nick);
	u.send('CAP REQ :server-time'); u.send('CAP END');
	await u.expect(new RegExp(' 001 ' + nick + ' '), nick + "'s welcome");
	for (const r of rooms) { u.send('JOIN ' + r); await u.expect(new RegExp(' 366 ' + nick + ' ' + r + ' '), nick + ' in ' + r); }
	return u;
}
async function plainUser(port, nick) {
	const u = new LineUser(port);
	await u.expect(/nickname/, 'the nickname prompt');
	u.send(nick);
	await u.expect(new RegExp('^-- Hello ' + nick + '!'), 'plain ' + nick + ' greeted');
	return u;
}
// GET P from the chat port as a browser would (gzip): { status, headers, body }.
function httpGet(port, p) {
	return new Promise((resolve, reject) => {
		const r = http.get({ host: '127.0.0.1', port, path: p, headers: { 'Accept-Encoding': 'gzip' }, timeout: 5000 }, res => {
			const parts = [];
			res.on('data', d => parts.push(d));
			res.on('end', () => {
				let body = Buffer.concat(parts);
				if (res.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
				resolve({ status: res.statusCode, headers: res.headers, body: body.toString('utf8') });
			});
		});
		r.on('timeout', () => r.destroy(new Error('no answer in 5 s')));
		r.on('error', reject);
	});
}

/* --- the page, from the outside --- */
const visibleLog = page => page.locator('.log:not([hidden])');
const logText = page => visibleLog(page).innerText();
const sees = (page, text, ms) => until(async () => (await logText(page)).includes(text), JSON.stringify(text), ms);
const online = (page, ms = 20000) => until(async () => (await page.getAttribute('#state', 'data-state')) === 'online', 'the page to be online', ms);
async function type(page, text) {
	await page.getByLabel('Message', { exact: true }).fill(text);
	await page.getByLabel('Message', { exact: true }).press('Enter');
}
async function countIn(page, text) {
	return page.evaluate(t => [...document.querySelectorAll('.log:not([hidden]) .msg')].filter(e => e.textContent.includes(t)).length, text);
}
async function tabTo(page, selector, key = 'Tab', max = 12) {
	for (let i = 0; i < max; i++) {
		if (await page.evaluate(s => document.activeElement === document.querySelector(s), selector)) return true;
		await page.keyboard.press(key);
	}
	throw new Error('the keyboard never reached ' + selector);
}
// WCAG AA: every visible text against the background it sits on, and the nick palette.
function contrastProblems() {
	const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
	const lum = c => [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
		.reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const bgOf = el => {
		for (let e = el; e; e = e.parentElement) {
			const c = rgb(getComputedStyle(e).backgroundColor);
			if (c.a > 0.5) return c;
		}
		return rgb(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)');
	};
	const bad = [];
	for (const el of document.querySelectorAll('body *')) {
		if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
		const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
		if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('[hidden]')) continue;
		const k = ratio(rgb(cs.color), bgOf(el));
		if (k < 4.5) bad.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className + ' "' + el.textContent.trim().slice(0, 20) + '" ' + k.toFixed(2));
	}
	const root = getComputedStyle(document.documentElement);
	const v = n => { const d = document.createElement('i'); d.style.color = root.getPropertyValue(n); document.body.append(d); const c = rgb(getComputedStyle(d).color); d.remove(); return c; };
	for (let i = 0; i < 8; i++)
		for (const bg of ['--bg', '--panel', '--hl']) {
			const k = ratio(v('--n' + i), v(bg));
			if (k < 4.5) bad.push('--n' + i + ' on ' + bg + ' ' + k.toFixed(2));
		}
	return bad;
}

async function main() {
	if (!fs.existsSync(BIN)) { console.log('SKIP: web-browser (no ' + BIN + ': build it first)'); return; }
	if (!fs.existsSync(CHROMIUM)) { console.log('SKIP: web-browser (no ' + CHROMIUM + ': apt-get install chromium)'); return; }
	fs.mkdirSync(SHOTS, { recursive: true });

	// The budget: the page's files, gzipped, at most 20 KiB.
	await check('the page (HTML, CSS, JS, icon) is at most 20 KiB gzipped', () => {
		const dir = path.join(TOP, 'web');
		let sum = 0;
		for (const f of fs.readdirSync(dir)) sum += zlib.gzipSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length;
		if (sum > 20480) throw new Error(sum + ' bytes');
		return true;
	});

	const port = await startServer(0), page = port;
	const home = await httpGet(page, '/').catch(e => ({ status: 0, body: String(e) }));
	if (home.status !== 200) {
		console.log('SKIP: web-browser (this chat-server does not serve the page on its chat port: ' + JSON.stringify(String(home.body).slice(0, 40)) + ')');
		await killServer();
		return;
	}
	await new Promise(r => relaySrv.listen(0, '127.0.0.1', r));
	relay.port = relaySrv.address().port; relay.up = page;
	const urlA = 'http://127.0.0.1:' + relay.port + '/', urlB = 'http://127.0.0.1:' + page + '/';

	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
			'--host-resolver-rules=MAP openwrt.lan 127.0.0.1'],
	});
	const errors = [];
	const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
	const ctxB = await browser.newContext({ viewport: { width: 360, height: 640 }, colorScheme: 'light', hasTouch: true, isMobile: true });
	for (const c of [ctxA, ctxB]) c.setDefaultTimeout(10000); // no step waits 30 s
	await ctxA.grantPermissions(['notifications'], { origin: urlA.slice(0, -1) });
	// Every Notification the page makes, recorded (and still made).
	await ctxA.addInitScript(() => {
		window.__notes = [];
		if (window.Notification) {
			const N = window.Notification;
			window.Notification = class extends N { constructor(t, o) { super(t, o); window.__notes.push(t + ': ' + (o && o.body)); } };
		}
	});
	const a = await ctxA.newPage(), b = await ctxB.newPage();
	if (process.env.DEBUG_WS) a.on('websocket', w => { const t0 = Date.now(); console.log('# ws open ' + w.url()); w.on('framesent', f => console.log('#  > ' + (Date.now() - T0) + ' ' + String(f.payload).slice(0, 60))); w.on('close', () => console.log('# ws closed ' + (Date.now() - T0))); });
	for (const [n, p] of [['ana', a], ['bo', b]]) {
		p.on('pageerror', e => errors.push(n + ': ' + e.message));
		p.on('dialog', d => { errors.push(n + ': a dialog: ' + d.message()); d.dismiss(); });
	}

	try {
		await run({ port, page, urlA, urlB, a, b, browser, errors });
	} finally {
		await browser.close().catch(() => {});
		relaySrv.close();
		await killServer();
	}
}

async function run({ port, page, urlA, urlB, a, b, browser, errors }) {
	// ivy (IRC) and ned (nc) are in #lobby first; ned's line becomes history.
	const ivy = await ircUser(port, 'ivy', ['#lobby', '#side']);
	const ned = await plainUser(port, 'ned');
	ned.send('before anyone: hello from nc');
	const early = await ivy.expect(/^@time=(\S+) :ned!\S+ PRIVMSG #lobby :before anyone: hello from nc$/, "ned's line at ivy");
	const earlyTime = early[1];

	await check('the page is served with a CSP and no inline script', async () => {
		const r = await httpGet(page, '/');
		const csp = r.headers['content-security-policy'] || '';
		if (!/script-src 'self'/.test(csp) || /unsafe-inline/.test(csp)) throw new Error('CSP: ' + JSON.stringify(csp));
		if (!r.body.includes('app.js')) throw new Error('not our page: ' + r.body.slice(0, 60));
		if (/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i.test(r.body)) throw new Error('inline script or style in the HTML');
		return true;
	});

	// ana: the join screen, from a desktop.
	await a.goto(urlA);
	await check('join screen: a field labelled Nickname, a room that defaults to #lobby', async () =>
		(await a.getByLabel('Nickname').isVisible()) && (await a.getByLabel('Room', { exact: true }).inputValue()) === '#lobby');
	await a.getByLabel('Nickname').fill('ana');
	await a.getByRole('button', { name: 'Join' }).click();
	await check('ana joins #lobby from the browser; ivy (IRC) and ned (nc) see her join', async () => {
		await online(a);
		await ivy.expect(/:ana!\S+ JOIN #lobby$/);
		await ned.expect(/^\* ana joined #lobby$/);
		return true;
	});
	await check('history shows on join, with the original time', async () => {
		await sees(a, 'before anyone: hello from nc');
		const dt = await visibleLog(a).locator('.msg', { hasText: 'before anyone' }).locator('time').getAttribute('datetime');
		if (dt !== earlyTime) throw new Error('shown with ' + dt + ', sent at ' + earlyTime);
		return true;
	});
	await check('the message list is role=log', async () => (await a.getByRole('log').count()) >= 1 && (await a.getByRole('log').first().isVisible()));

	// bo, on a phone, only with the keyboard: a taken nick first.
	await b.goto(urlB);
	await check('a taken nick gets a clear message on the join screen', async () => {
		await until(() => b.evaluate(() => document.activeElement && document.activeElement.id === 'nick'), 'the Nickname field to have the focus');
		await b.keyboard.type('ivy');
		await b.keyboard.press('Enter');
		await until(async () => /ivy.*taken/i.test(await b.locator('#joinerr').innerText()), 'a "taken" message');
		return (await b.locator('#join').isVisible());
	});
	await check('from the keyboard: Nickname, Enter, and bo is in (phone size)', async () => {
		await b.getByLabel('Nickname').focus();
		await b.keyboard.press('ControlOrMeta+a');
		await b.keyboard.type('bo');
		await b.keyboard.press('Enter');
		return online(b);
	});
	await check('ana, ivy and ned see bo join', async () => {
		await sees(a, 'bo joined');
		await ivy.expect(/:bo!\S+ JOIN #lobby/);
		await ned.expect(/^\* bo joined #lobby$/);
		return true;
	});
	await check('Enter sends: bo types from the keyboard, everyone reads it', async () => {
		await until(() => b.evaluate(() => document.activeElement && document.activeElement.id === 'msg'), 'the Message field to have the focus');
		await b.keyboard.type('hello from the phone');
		await b.keyboard.press('Enter');
		await sees(a, 'hello from the phone');
		await ivy.expect(/:bo!\S+ PRIVMSG #lobby :hello from the phone$/);
		await ned.expect(/^\d\d:\d\d <bo> hello from the phone$/);
		return true;
	});
	await check('the Send button sends too: ana\'s line reaches bo, ivy and ned', async () => {
		await a.getByLabel('Message', { exact: true }).fill('hi all, ana here');
		await a.getByRole('button', { name: 'Send' }).click();
		await sees(b, 'hi all, ana here');
		await ivy.expect(/:ana!\S+ PRIVMSG #lobby :hi all, ana here$/);
		await ned.expect(/<ana> hi all, ana here$/);
		return true;
	});
	await check('the IRC and nc users\' lines reach both browsers', async () => {
		ivy.send('PRIVMSG #lobby :ivy on irc says hi');
		ned.send('ned on nc says hi');
		for (const p of [a, b]) { await sees(p, 'ivy on irc says hi'); await sees(p, 'ned on nc says hi'); }
		return true;
	});
	await check('a nick keeps its colour: the same class in both browsers and on every line', async () => {
		const cls = async p => p.evaluate(() => [...document.querySelectorAll('.log:not([hidden]) .who[data-nick="ned"]')].map(e => e.className));
		const ca = await cls(a), cb = await cls(b);
		return ca.length >= 2 && new Set([...ca, ...cb]).size === 1 && /\bn[0-7]\b/.test(ca[0]);
	});
	await check('/me is an action', async () => {
		await type(a, '/me waves');
		await sees(b, '* ana waves');
		await ivy.expect(/PRIVMSG #lobby :\x01ACTION waves\x01$/);
		await ned.expect(/^\d\d:\d\d \* ana waves$/);
		return true;
	});
	await check('/topic sets the topic, shown above the room', async () => {
		await type(a, '/topic Kitchen chat: be nice');
		await until(async () => (await b.locator('#topic').innerText()).includes('Kitchen chat: be nice'), "bo's topic line");
		await ivy.expect(/ TOPIC #lobby :Kitchen chat: be nice$/);
		return true;
	});
	await check('nick changes are seen: ned (nc) and bo (/nick, browser)', async () => {
		ned.send('/nick ned2');
		await sees(a, 'ned is now known as ned2');
		await sees(b, 'ned is now known as ned2');
		await type(b, '/nick bo2');
		await sees(a, 'bo is now known as bo2');
		await ivy.expect(/:bo!\S+ NICK :?bo2$/);
		await ned.expect(/^\* bo is now known as bo2$/);
		return true;
	});
	await check('parts and rejoins are shown compactly', async () => {
		ivy.send('PART #lobby :brb');
		await sees(a, 'ivy left (brb)');
		await sees(b, 'ivy left (brb)');
		await ned.expect(/^\* ivy left #lobby \(brb\)$/);
		ivy.send('JOIN #lobby');
		await ivy.expect(/ 366 ivy #lobby /);
		await sees(b, 'ivy joined');
		const one = await visibleLog(a).locator('.msg.meta', { hasText: 'ivy left' }).last();
		return (await one.innerText()).includes('ivy joined');
	});
	await check('the nickname is remembered (localStorage)', async () => {
		const p = await b.context().newPage();
		await p.goto(urlB);
		const v = await p.getByLabel('Nickname').inputValue();
		await p.close();
		if (v !== 'bo2') throw new Error('the Nickname field holds ' + JSON.stringify(v));
		return true;
	});

	// Rooms and private chats.
	await check('/join from the page: ana joins #side with the room field', async () => {
		await a.getByLabel('Join a room').fill('#side');
		await a.getByLabel('Join a room').press('Enter');
		await ivy.expect(/:ana!\S+ JOIN #side$/);
		await until(async () => (await a.locator('#wname').innerText()) === '#side', 'the #side window');
		return (await a.locator('#wins').innerText()).includes('#lobby');
	});
	await check('unread counts and a mention marker in the list, and in the tab title', async () => {
		await a.locator('#wins button', { hasText: '#lobby' }).click();
		ivy.send('PRIVMSG #side :nothing for you');
		ivy.send('PRIVMSG #side :ana, look at this');
		const item = a.locator('#wins button', { hasText: '#side' });
		await until(async () => (await item.locator('.badge').innerText()) === '@2', 'the #side badge "@2"');
		if (!(await item.locator('.badge').getAttribute('class')).includes('at')) throw new Error('no mention marker');
		await until(async () => /^\(2\) @1 /.test(await a.title()), 'a title "(2) @1 ...", not ' + JSON.stringify(await a.title()));
		await item.click();
		await until(async () => !/^\(/.test(await a.title()), 'the title to clear once read');
		return (await visibleLog(a).locator('.msg.mention', { hasText: 'ana, look at this' }).count()) === 1;
	});
	await check('/part leaves the room', async () => {
		await type(a, '/part');
		await ivy.expect(/:ana!\S+ PART #side/);
		await until(async () => !(await a.locator('#wins').innerText()).includes('#side'), '#side to leave the list');
		return true;
	});
	await check('tap a nick (phone: the People drawer, by keyboard) to talk privately', async () => {
		await b.getByLabel('Message', { exact: true }).focus();
		await tabTo(b, '#membtn', 'Shift+Tab');
		await b.keyboard.press('Enter');
		await until(() => b.locator('#members').evaluate(e => e.classList.contains('open') && getComputedStyle(e).visibility === 'visible'), 'the drawer to open');
		await tabTo(b, '#memlist button[title$=" ana"]');
		await b.keyboard.press('Enter');
		await until(async () => (await b.locator('#wname').innerText()) === 'ana', 'a private window with ana');
		await b.keyboard.type('psst, ana');
		await b.keyboard.press('Enter');
		await until(async () => (await a.locator('#wins').innerText()).includes('bo2'), "ana's list to hold bo2");
		await until(async () => /@1/.test(await a.title()), 'ana\'s title to count the private message as a mention');
		return true;
	});
	await check('/msg opens a private chat and sends', async () => {
		await type(a, '/msg ivy are you there?');
		await ivy.expect(/:ana!\S+ PRIVMSG ivy :are you there\?$/);
		await until(async () => (await a.locator('#wname').innerText()) === 'ivy', "ana's window with ivy");
		return true;
	});
	await check('/away marks ana away, and back', async () => {
		await type(a, '/away lunch');
		await sees(a, 'marked as being away');
		await type(a, '/away');
		await sees(a, 'no longer marked as being away');
		return true;
	});
	await a.locator('#wins button', { hasText: '#lobby' }).click();
	await b.locator('#wins button', { hasText: '#lobby' }).dispatchEvent('click');

	await check('notifications: a mention while ana looks elsewhere notifies (secure context)', async () => {
		const cdp = await a.context().newCDPSession(a);
		await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
		const other = await a.context().newPage();
		await other.bringToFront();
		await until(() => a.evaluate(() => document.hidden || !document.hasFocus()), 'ana\'s tab to be in the background');
		ivy.send('PRIVMSG #lobby :ana: ping from ivy');
		await until(() => a.evaluate(() => window.__notes.some(n => n.includes('ping from ivy'))), 'a notification');
		await a.bringToFront();
		await other.close();
		await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
		return true;
	});
	await check('notifications: over plain HTTP from a name (openwrt.lan) the page says why not', async () => {
		const ctx = await browser.newContext();
		const p = await ctx.newPage();
		await p.goto('http://openwrt.lan:' + page + '/');
		await p.getByLabel('Nickname').fill('cy');
		await p.getByLabel('Nickname').press('Enter');
		await online(p);
		const t = await p.locator('#notifmsg').innerText();
		await ctx.close();
		if (!/HTTPS/.test(t)) throw new Error('it says ' + JSON.stringify(t));
		return true;
	});

	// Screenshots of the two views, light, before the hostile lines.
	await b.locator('#wins button', { hasText: '#lobby' }).dispatchEvent('click');
	await a.screenshot({ path: path.join(SHOTS, 'desktop.png') });
	await b.screenshot({ path: path.join(SHOTS, 'phone.png') });
	await b.emulateMedia({ colorScheme: 'dark' });
	await b.screenshot({ path: path.join(SHOTS, 'phone-dark.png') });
	await b.emulateMedia({ colorScheme: 'light' });

	await check('contrast passes WCAG AA, light and dark (every visible text, the nick palette)', async () => {
		const bad = [];
		for (const scheme of ['light', 'dark']) {
			await a.emulateMedia({ colorScheme: scheme });
			bad.push(...(await a.evaluate(contrastProblems)).map(x => scheme + ': ' + x));
		}
		await a.emulateMedia({ colorScheme: 'light' });
		if (bad.length) throw new Error(bad.slice(0, 4).join('; '));
		return true;
	});

	// A hostile user.
	const mal = await ircUser(port, 'mal', ['#lobby']);
	const hostile = [
		'<img src=x onerror="window.__pwned=1;alert(1)">look',
		'javascript:window.__pwned=2 <a href="javascript:window.__pwned=3">click</a>',
		'click javascript:alert(document.domain) or https://example.org/ok?a=1&b=2.',
		'\u202Egnp.exe\u202C \u2066isolate\u2069 tail-marker',
		'\x02bold\x02 \x0304,01red\x03 \x1ditalic\x1d plain\x0f end',
		'مرحبا بالعالم',
	];
	for (const l of hostile) mal.send('PRIVMSG #lobby :' + l);
	await check('hostile text: <img onerror> is text, never an element, and runs nothing', async () => {
		await sees(b, '<img src=x onerror="window.__pwned=1;alert(1)">look');
		const imgs = await b.evaluate(() => document.querySelectorAll('.log img, .log script, .log iframe').length);
		const pwned = await b.evaluate(() => window.__pwned);
		if (imgs || pwned !== undefined) throw new Error(imgs + ' elements, __pwned=' + pwned);
		return true;
	});
	await check('hostile text: javascript: never becomes a link; http(s) ones do, rel=noopener', async () => {
		await sees(b, 'https://example.org/ok');
		const links = await b.evaluate(() => [...document.querySelectorAll('.log a')].map(e => [e.getAttribute('href'), e.rel, e.textContent]));
		if (!links.some(l => l[0] === 'https://example.org/ok?a=1&b=2')) throw new Error('no https link: ' + JSON.stringify(links));
		const bad = links.filter(l => !/^https?:\/\//.test(l[0]) || !/\bnoopener\b/.test(l[1]));
		if (bad.length) throw new Error(JSON.stringify(bad));
		return true;
	});
	await check('hostile text: bidi controls are dropped, every message is dir=auto', async () => {
		await sees(b, 'tail-marker');
		const r = await b.evaluate(() => {
			const all = [...document.querySelectorAll('.log .msg .text')];
			return { bidi: all.filter(e => /[\u202a-\u202e\u2066-\u2069]/.test(e.textContent)).length, noauto: all.filter(e => e.getAttribute('dir') !== 'auto').length };
		});
		if (r.bidi || r.noauto) throw new Error(JSON.stringify(r));
		return true;
	});
	await check('Arabic reads right to left (dir=auto)', async () => {
		await sees(b, 'مرحبا بالعالم');
		const d = await visibleLog(b).locator('.msg', { hasText: 'مرحبا' }).locator('.text').evaluate(e => getComputedStyle(e).direction);
		if (d !== 'rtl') throw new Error('direction ' + d);
		return true;
	});
	await check('IRC formatting codes are rendered or dropped, never shown raw', async () => {
		await sees(b, 'bold red italic plain end');
		const r = await visibleLog(b).locator('.msg', { hasText: 'bold red' }).evaluate(e => ({ raw: /[\x00-\x1f]|04,01/.test(e.textContent), b: !!e.querySelector('.b'), i: !!e.querySelector('.i') }));
		if (r.raw || !r.b || !r.i) throw new Error(JSON.stringify(r));
		return true;
	});
	mal.close();

	// ana's link drops while the server stays up: she comes back, catches up, nothing twice.
	await check('a dropped link: the page shows it is offline, then reconnects by itself', async () => {
		relay.mode = 'refuse';
		cutRelay();
		await until(async () => (await a.getAttribute('#state', 'data-state')) === 'offline', "ana's page to say offline");
		if (!/offline/.test(await a.locator('#state').innerText())) throw new Error('no offline state shown');
		ned.send('said while ana was away');
		await sees(b, 'said while ana was away');
		relay.mode = 'pass';
		return online(a);
	});
	await check('after the reconnect nothing is shown twice, and the missed line is there', async () => {
		await sees(a, 'said while ana was away');
		for (const t of ['before anyone: hello from nc', 'hello from the phone', 'hi all, ana here', 'ivy on irc says hi', 'said while ana was away'])
			if ((await countIn(a, t)) !== 1) throw new Error(JSON.stringify(t) + ' is shown ' + (await countIn(a, t)) + ' times');
		return true;
	});
	await check('a phone that sleeps and wakes catches up (silent link, then visibilitychange)', async () => {
		relay.mode = 'silent';
		ned.send('said while ana slept');
		await sees(b, 'said while ana slept');
		await a.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
		await until(async () => (await a.getAttribute('#state', 'data-state')) !== 'online', "ana's page to notice the dead link");
		relay.mode = 'pass';
		await online(a);
		await sees(a, 'said while ana slept');
		return (await countIn(a, 'said while ana slept')) === 1 && (await countIn(a, 'hello from the phone')) === 1;
	});

	// The server is killed and restarted on the same port.
	await check('server killed (-9): both pages show they are offline', async () => {
		await killServer();
		await until(async () => (await a.getAttribute('#state', 'data-state')) === 'offline' && (await b.getAttribute('#state', 'data-state')) === 'offline', 'both pages offline');
		return true;
	});
	await type(a, 'typed while the server was down');
	await check('a line typed offline is shown as not sent yet', async () =>
		(await visibleLog(a).locator('.msg.pending', { hasText: 'typed while the server was down' }).count()) === 1);
	await startServer(port);
	const ivy2 = await ircUser(port, 'ivy', ['#lobby']);
	await check('server restarted: both pages reconnect by themselves', async () => { await online(a, 30000); await online(b, 30000); return true; });
	await check('the line typed offline arrives once (IRC user, the other browser, the sender)', async () => {
		await ivy2.expect(/:ana!\S+ PRIVMSG #lobby :typed while the server was down$/, 'the line at ivy', 15000).catch(e => { console.log('# ivy2 got: ' + JSON.stringify(ivy2.lines.slice(-12))); throw e; });
		await sees(b, 'typed while the server was down', 15000);
		await until(async () => (await visibleLog(a).locator('.msg.pending').count()) === 0, 'the pending mark to go');
		ivy2.send('PING :sync'); await ivy2.expect(/PONG .*sync/);
		const n = ivy2.count(/PRIVMSG #lobby :typed while the server was down$/), nb = await countIn(b, 'typed while the server was down'), na = await countIn(a, 'typed while the server was down');
		if (n !== 1 || nb !== 1 || na !== 1) throw new Error('ivy got it ' + n + ' times, bo shows it ' + nb + ', ana ' + na);
		return true;
	});
	await check('after the restart the rooms work again', async () => {
		await type(b, 'back again');
		await sees(a, 'back again');
		await ivy2.expect(/:bo2!\S+ PRIVMSG #lobby :back again$/);
		return true;
	});
	await check('no script errors and no dialogs in the pages', () => {
		if (errors.length) throw new Error(errors.slice(0, 3).join('; '));
		return true;
	});
	for (const u of [ivy, ivy2, ned]) u.close();
}

const limit = setTimeout(() => { fail('web-browser', 'the scenario took over 120 s'); process.exit(1); }, 120000);
main().then(() => {
	clearTimeout(limit);
	console.log('# browser scenario took ' + ((Date.now() - T0) / 1000).toFixed(1) + ' s');
	process.exit(failed ? 1 : 0);
}, async e => {
	fail('web-browser', 'the scenario stopped: ' + (e && e.stack || e));
	await killServer();
	process.exit(1);
});
