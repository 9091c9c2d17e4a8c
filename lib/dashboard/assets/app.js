// gsmqd's dashboard: one page, three views (#/, #/channel/NAME, #/topology), kept up to
// date by the daemon's live-update stream (/api/events, Server-Sent Events). The data is
// the daemon's /api (docs/admin-api.md); nothing here is a source of its own.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { snapshot: null, sortKey: 'channel', sortAsc: true, history: [], channel: null, nextSeq: 0 };

function fmtNumber(n) { return typeof n === 'number' ? n.toLocaleString('en') : String(n ?? ''); }
function fmtRate(r) { return (r ?? 0).toFixed(r >= 100 ? 0 : 1); }
function fmtBytes(b) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let k = 0; b = b || 0;
  while (b >= 1024 && k < units.length - 1) { b /= 1024; k++; }
  return (k ? b.toFixed(1) : b) + ' ' + units[k];
}
function fmtDuration(us) {
  let s = Math.floor(us / 1e6);
  const d = Math.floor(s / 86400); s %= 86400;
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  return (d ? d + 'd ' : '') + (h ? h + 'h ' : '') + (m ? m + 'm ' : '') + s + 's';
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
function card(label, value) {
  return el('div', { class: 'card' }, el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value }));
}
function showError(text) { $('error').textContent = text || ''; }

// A gsmqd with --tokens wants a bearer token (IDENTITY:SECRET) with every call: the page asks
// for it once (kept for this tab in sessionStorage) and sends it as an Authorization header.
function token() { return sessionStorage.getItem('gsmq-token') || ''; }
function withToken(options) {
  const o = { ...(options || {}) };
  if (token()) o.headers = { ...(o.headers || {}), Authorization: 'Bearer ' + token() };
  return o;
}

async function api(path, options) {
  const response = await fetch(path, withToken(options));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.status + ' ' + response.statusText);
  return body;
}

// ---- overview ----
function renderOverview() {
  const s = state.snapshot;
  if (!s) return;
  const o = s.overview;
  $('identity').textContent = (o.name ? o.name + (o.role ? ' (' + o.role + ')' : '') + ' · ' : '') +
    'version ' + o.version + ' · up ' + fmtDuration(o.uptime_us);
  const cards = $('cards');
  cards.replaceChildren(
    card('in', fmtRate(o.in_rate) + ' msg/s'), card('out', fmtRate(o.out_rate) + ' msg/s'),
    card('waiting', fmtNumber(o.depth)), card('in flight', fmtNumber(o.in_flight)),
    card('consumers', fmtNumber(o.consumers)), card('channels', fmtNumber(o.channels)),
    card('storage used', fmtBytes(o.storage.used_bytes)), card('disk free', fmtBytes(o.storage.free_bytes)),
    card('links', fmtNumber(o.links)), card('rules', fmtNumber(o.rules)));
  renderChannels();
  drawRates();
}

function renderChannels() {
  const s = state.snapshot;
  const filter = $('filter').value.trim().toLowerCase();
  const rows = s.channels.filter((c) => !filter || c.channel.toLowerCase().includes(filter) || c.kind.includes(filter));
  const key = state.sortKey;
  rows.sort((a, b) => {
    const x = a[key] ?? 0, y = b[key] ?? 0;
    const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return state.sortAsc ? order : -order;
  });
  const body = $('channels').tBodies[0];
  body.replaceChildren(...rows.map((c) => {
    const link = el('a', { class: 'channel', href: '#/channel/' + encodeURIComponent(c.channel), text: c.channel });
    const n = (v) => el('td', { class: 'n', text: fmtNumber(v ?? 0) });
    return el('tr', { 'data-channel': c.channel }, el('td', {}, link), el('td', { text: c.kind }),
      n(c.depth), n(c.in_flight), n(c.delayed), n(c.dead_lettered), n(c.expired), n(c.late),
      el('td', { class: 'n', text: fmtRate(c.in_rate) }), el('td', { class: 'n', text: fmtRate(c.out_rate) }),
      n(c.consumers), el('td', { class: 'n oldest', text: c.oldest_age_s === undefined ? '' : fmtDuration(c.oldest_age_s * 1e6) }),
      el('td', { class: 'n', text: fmtBytes(c.bytes) }));
  }));
  for (const th of $('channels').tHead.rows[0].cells) {
    th.classList.toggle('sorted', th.dataset.key === key);
    th.classList.toggle('asc', th.dataset.key === key && state.sortAsc);
  }
}

function drawRates() {
  const canvas = $('rates');
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  const points = state.history;
  if (points.length < 2) return;
  const max = Math.max(1, ...points.map((p) => Math.max(p.in, p.out)));
  const line = (field, color) => {
    g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
    points.forEach((p, k) => {
      const x = (k / 119) * w, y = h - 4 - (p[field] / max) * (h - 8);
      k ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
  };
  line('in', '#2f6fde');
  line('out', '#12a150');
  g.fillStyle = '#667085'; g.font = '11px sans-serif'; g.fillText(fmtRate(max) + ' msg/s', 4, 12);
}

// ---- one channel ----
function channelInfo() {
  return state.snapshot && state.snapshot.channels.find((c) => c.channel === state.channel);
}

function renderChannelCards() {
  const c = channelInfo();
  $('channel-kind').textContent = c ? c.kind : '(no such channel yet)';
  $('channel-cards').replaceChildren(...(c ? [
    card('waiting', fmtNumber(c.depth)), card('in flight', fmtNumber(c.in_flight)), card('delayed', fmtNumber(c.delayed)),
    card('dead-lettered', fmtNumber(c.dead_lettered)), card('expired', fmtNumber(c.expired)),
    card('sent', fmtNumber(c.sent)), card('delivered', fmtNumber(c.delivered)), card('acked', fmtNumber(c.acked)),
    card('consumers', fmtNumber(c.consumers)), card('last seq', fmtNumber(c.last_seq)), card('bytes', fmtBytes(c.bytes)),
    ...(c.oldest_age_s === undefined ? [] : [card('oldest waiting', fmtDuration(c.oldest_age_s * 1e6))]),
  ] : []));
  $('purge').hidden = !c || c.kind !== 'queue';
}

function bodyText(m, as) {
  const body = m.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  if (as === 'hex') return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (as === 'json') {
    try { return JSON.stringify(typeof body === 'string' ? JSON.parse(body) : body, null, 2); } catch { return text; }
  }
  return text;
}

async function browse(fromSeq) {
  const c = channelInfo();
  const limit = Math.max(1, Math.min(1000, Number($('limit').value) || 20));
  const store = c && c.kind === 'events-store';
  const path = '/api/channels/' + encodeURIComponent(state.channel) + (store ? '/replay' : '/messages') +
    '?from_seq=' + fromSeq + '&limit=' + limit;
  try {
    const r = await api(path);
    const as = $('body-as').value;
    $('messages').tBodies[0].replaceChildren(...r.messages.map((m) => el('tr', { 'data-seq': m.seq },
      el('td', { class: 'n', text: m.seq }), el('td', { text: m.id || '' }), el('td', { text: m.priority ?? 0 }),
      el('td', { text: m.ts ? new Date(m.ts / 1000).toISOString() : '' }),
      el('td', {}, el('pre', { text: m.meta ? JSON.stringify(m.meta) : '' })),
      el('td', {}, el('pre', { class: 'body', text: bodyText(m, as) })))));
    state.nextSeq = r.messages.length ? r.messages[r.messages.length - 1].seq + 1 : fromSeq;
    $('browse-note').textContent = r.messages.length
      ? (store ? 'Stored messages' : 'Waiting messages (looked at, not taken)') + ' from seq ' + fromSeq + ': ' + r.messages.length
      : 'No ' + (store ? 'stored' : 'waiting') + ' messages from seq ' + fromSeq + '.';
    showError('');
  } catch (e) { showError('browse: ' + e.message); }
}

async function send(event) {
  event.preventDefault();
  const text = $('send-body').value;
  let body = text;
  if ($('send-json').checked) {
    try { body = JSON.parse(text); } catch (e) { showError('send: the body is not JSON: ' + e.message); return; }
  }
  const envelope = { body, priority: Number($('send-priority').value) || 0 };
  try {
    const r = await api('/api/channels/' + encodeURIComponent(state.channel) + '/messages',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(envelope) });
    $('send-result').textContent = 'sent: seq ' + r.seq + ', id ' + r.id;
    showError('');
    browse(Number($('from-seq').value) || 0);
  } catch (e) { showError('send: ' + e.message); }
}

async function purge() {
  if (!confirm('Purge every waiting message of "' + state.channel + '"? This cannot be undone.')) return;
  try {
    const r = await api('/api/channels/' + encodeURIComponent(state.channel) + '/purge', { method: 'POST' });
    await browse(0);
    $('browse-note').textContent = 'Purged ' + r.purged + ' messages.';
  } catch (e) { showError('purge: ' + e.message); }
}

// ---- topology ----
function renderTopology() {
  const s = state.snapshot;
  if (!s) return;
  const n = (v) => el('td', { class: 'n', text: fmtNumber(v ?? 0) });
  $('links').tBodies[0].replaceChildren(...s.links.map((l) => el('tr', {},
    el('td', { text: l.link }), el('td', { text: l.direction }), el('td', { text: l.state }), n(l.backlog),
    n(l.forwarded), n(l.received), n(l.dropped), el('td', { class: 'n', text: l.rtt_us ? (l.rtt_us / 1000).toFixed(1) + ' ms' : '' }),
    el('td', { text: l.last_error || '' }))));
  $('no-links').hidden = s.links.length > 0;
  $('rules').tBodies[0].replaceChildren(...s.rules.map((r) => el('tr', {},
    el('td', { text: r.set }), n(r.line), el('td', {}, el('code', { text: r.rule })), n(r.hits), n(r.dropped), n(r.over_limit))));
  $('no-rules').hidden = s.rules.length > 0;
}

// ---- routing and live updates ----
function route() {
  const hash = location.hash || '#/';
  const channel = hash.startsWith('#/channel/') ? decodeURIComponent(hash.slice('#/channel/'.length)) : null;
  $('overview-page').hidden = !!channel || hash === '#/topology';
  $('channel-page').hidden = !channel;
  $('topology-page').hidden = hash !== '#/topology';
  if (channel && channel !== state.channel) {
    state.channel = channel;
    $('channel-name').textContent = channel;
    $('from-seq').value = 0;
    $('messages').tBodies[0].replaceChildren();
    renderChannelCards();
    browse(0);
  }
  if (!channel) state.channel = null;
  render();
}

function render() {
  if (!$('overview-page').hidden) renderOverview();
  if (!$('channel-page').hidden) renderChannelCards();
  if (!$('topology-page').hidden) renderTopology();
}

function onSnapshot(snapshot) {
  const first = !state.snapshot;
  state.snapshot = snapshot;
  const o = state.snapshot.overview;
  state.history.push({ in: o.in_rate, out: o.out_rate });
  if (state.history.length > 120) state.history.shift();
  $('live').textContent = 'live';
  $('live').classList.remove('off');
  render();
  if (first && state.channel) browse(0);
}

// Live updates: the event stream; with a token (which EventSource cannot send), /api/snapshot
// once a second. A daemon that wants a token (401) or a better one (403) gets the token form.
async function connect() {
  const probe = await fetch('/api/snapshot', withToken()).catch(() => null);
  if (probe && (probe.status === 401 || probe.status === 403)) {
    $('token-form').hidden = false;
    $('live').textContent = 'token needed';
    showError((await probe.json().catch(() => ({}))).error || 'gsmqd wants a bearer token');
    return;
  }
  showError('');
  if (token()) {
    const poll = async () => {
      try { onSnapshot(await api('/api/snapshot')); } catch (e) { showError(e.message); }
    };
    poll();
    setInterval(poll, 1000);
    return;
  }
  connectEvents();
}

function connectEvents() {
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
  events.addEventListener('unavailable', (e) => { showError('gsmqd: ' + JSON.parse(e.data).error); });
  events.onerror = () => { $('live').textContent = 'reconnecting'; $('live').classList.add('off'); };
}

$('filter').addEventListener('input', () => renderChannels());
for (const th of $('channels').tHead.rows[0].cells) {
  th.addEventListener('click', () => {
    state.sortAsc = state.sortKey === th.dataset.key ? !state.sortAsc : th.dataset.key === 'channel';
    state.sortKey = th.dataset.key;
    renderChannels();
  });
}
$('browse-form').addEventListener('submit', (e) => { e.preventDefault(); browse(Number($('from-seq').value) || 0); });
$('next-page').addEventListener('click', () => { $('from-seq').value = state.nextSeq; browse(state.nextSeq); });
$('body-as').addEventListener('change', () => browse(Number($('from-seq').value) || 0));
$('send-form').addEventListener('submit', send);
$('purge').addEventListener('click', purge);
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('gsmq-token', $('token').value.trim());
  $('token-form').hidden = true;
  connect();
});
window.addEventListener('hashchange', route);
route();
connect();
