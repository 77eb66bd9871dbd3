/* global fetch, setTimeout, clearTimeout, setInterval, TextDecoder, AbortController, location, Event, URLSearchParams */
// 益农助手 专家台: plain browser JavaScript, no build step. Farmers' words are only ever set as text.
// Over 300 lines: one page's controller (sign-in, the ticket queue, one ticket, its live stream) sharing the
// token, the open ticket and the stream of this closure; what the consoles share is in /ui/console.js.
import { $, COUNTIES, consoleApi, el, makeToast, SPECIALTIES as CATEGORIES } from '/ui/console.js';

(function () {
  'use strict';

  const TOKEN_KEY = 'yinong.expert.token';
  const STATUS = { open: '待处理', assigned: '处理中', answered: '已答复', closed: '已关闭', reopened: '农户追问', expired: '已过期' };
  const PRIORITY = { urgent: '紧急', high: '较急', normal: '一般' };
  const AUTHOR = { farmer: '农户', bot: '助手', expert: '专家', officer: '信息员', system: '系统' };
  const EVENT = {
    created: '助手转来', assigned: '自动分派', queued: '进入队列', claimed: '认领', transferred: '转交',
    answered: '答复', follow_up: '农户追问', closed: '关闭', expired: '过期', overdue: '超时提醒',
    saved_to_kb: '存入知识库', kb_edited: '修改知识库', kb_retired: '停用知识库条目',
  };

  const state = { me: null, view: 'mine', tickets: [], current: null, cursor: null, stream: null, experts: null, poll: null };

  function token() {
    return localStorage.getItem(TOKEN_KEY);
  }

  const api = consoleApi({ token, signedOut });
  const toast = makeToast(4000);

  function when(iso) {
    const d = new Date(iso);
    const now = new Date();
    const hm = d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
    const day = (x) => x.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
    if (day(d) === day(now)) return `今天 ${hm}`;
    return `${d.toLocaleDateString('zh-CN', { month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai' })} ${hm}`;
  }

  // ---- login ----
  function signedOut(message) {
    localStorage.removeItem(TOKEN_KEY);
    if (state.stream) state.stream.abort();
    state.me = null;
    $('board').hidden = true;
    $('who').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('username').focus();
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      const res = await fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: $('username').value, password: $('password').value }),
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error((data && data.error && data.error.message) || '登录失败');
      if (data.role === 'officer') throw new Error('信息员请使用农民助手页面登录，专家台只供专家和管理员使用');
      localStorage.setItem(TOKEN_KEY, data.token);
      $('password').value = '';
      await start();
    } catch (err) {
      $('login-error').textContent = err.message;
    }
  });

  $('logout').addEventListener('click', async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => {});
    signedOut('已退出');
  });

  // ---- lists ----
  function fillSelect(select, values) {
    for (const v of values) select.append(el('option', { value: v }, v));
  }

  function listQuery(append) {
    // The 问题编号 a farmer reads out is searched among everything this account may see, whatever the tab.
    const number = $('f-number').value.trim();
    const p = new URLSearchParams({ view: number ? 'scope' : state.view, limit: '50' });
    if (number) p.set('number', number);
    if ($('f-status').value) p.set('status', $('f-status').value);
    if ($('f-category').value) p.set('category', $('f-category').value);
    if ($('f-county').value) p.set('county', $('f-county').value);
    if (append && state.cursor) p.set('before', state.cursor);
    return `/api/v1/tickets?${p}`;
  }

  async function refreshList(append) {
    const [list, summary] = await Promise.all([api(listQuery(append)), api('/api/v1/tickets/summary')]);
    state.tickets = append ? state.tickets.concat(list.tickets) : list.tickets;
    const last = list.tickets[list.tickets.length - 1];
    state.cursor = last ? last.cursor : null;
    $('more').hidden = state.view !== 'scope' || list.tickets.length < 50;
    $('count-mine').textContent = summary.mine;
    $('count-queue').textContent = summary.queue;
    $('overdue-note').hidden = summary.overdue === 0;
    $('overdue-note').textContent = `有 ${summary.overdue} 个问题超过答复时限，请优先处理`;
    document.title = `${summary.mine + summary.queue ? `(${summary.mine + summary.queue}) ` : ''}益农助手 · 专家台`;
    renderList();
    const number = $('f-number').value.trim();
    if (number && !append && !list.tickets.length) toast(`没有编号为 ${number} 的问题（或不在您能看到的范围内）`);
    if (number && !append && list.tickets.length === 1) await openTicket(list.tickets[0].id);
  }

  function renderList() {
    const ul = $('ticket-list');
    ul.replaceChildren();
    if (!state.tickets.length) {
      ul.append(el('li', { class: 'empty' }, state.view === 'queue' ? '队列里没有待认领的问题' : '没有问题'));
      return;
    }
    for (const t of state.tickets) {
      const item = el('li', { class: `item${t.overdue ? ' overdue' : ''}${state.current && state.current.ticket.id === t.id ? ' active' : ''}` },
        el('button', { type: 'button', onclick: () => openTicket(t.id) },
          el('span', { class: `badge p-${t.priority}` }, PRIORITY[t.priority]),
          el('span', { class: 'badge' }, t.category),
          t.county ? el('span', { class: 'badge light' }, t.county) : null,
          el('span', { class: `status s-${t.status}` }, STATUS[t.status]),
          el('span', { class: 'q' }, t.question),
          el('span', { class: 'sub' },
            `${t.farmerPhone || '网页用户'} · ${t.assignee ? t.assignee.name : '未认领'} · ${t.overdue ? '已超时 ' : '时限 '}${when(t.dueAt)}`)));
      ul.append(item);
    }
  }

  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.addEventListener('click', () => {
      state.view = tab.dataset.view;
      for (const t of document.querySelectorAll('[role=tab]')) t.setAttribute('aria-selected', String(t === tab));
      refreshList().catch((err) => toast(err.message));
    });
  }
  for (const id of ['f-status', 'f-category', 'f-county', 'f-number']) {
    $(id).addEventListener('change', () => refreshList().catch((err) => toast(err.message)));
  }
  $('more').addEventListener('click', () => refreshList(true).catch((err) => toast(err.message)));

  // ---- one ticket ----
  async function openTicket(id) {
    try {
      state.current = await api(`/api/v1/tickets/${id}`);
      renderTicket();
      renderList();
      document.body.classList.add('reading');
      $('ticket').hidden = false;
      $('ticket').scrollIntoView({ block: 'start' });
    } catch (err) {
      toast(err.message);
    }
  }

  function mineOrAdmin(t) {
    return state.me.role === 'admin' || (t.assignee && t.assignee.id === state.me.userId);
  }

  function renderTicket() {
    const { ticket: t, messages, passages, events } = state.current;
    $('t-question').textContent = t.question;
    const meta = $('t-meta');
    meta.replaceChildren();
    const rows = [
      ['状态', STATUS[t.status]], ['紧急程度', PRIORITY[t.priority]], ['专业', t.category], ['区县', t.county || '未知'],
      ['作物/品种', t.commodity || '—'], ['农户', `${t.farmerPhone || '网页匿名用户'}（${{ web: '网页', sms: '短信', api: '接口' }[t.channel]}）`],
      ['代问', t.onBehalfOf ? `信息员代 ${t.onBehalfOf} 提问` : null], ['负责专家', t.assignee ? t.assignee.name : '未认领'],
      ['答复时限', `${when(t.dueAt)}${t.overdue ? '（已超时）' : ''}`],
    ];
    for (const [k, v] of rows) if (v) meta.append(el('dt', {}, k), el('dd', {}, v));

    const actions = $('t-actions');
    actions.replaceChildren();
    const open = t.status !== 'closed' && t.status !== 'expired';
    if (open && !t.assignee && state.me.role === 'expert') {
      actions.append(el('button', { type: 'button', class: 'primary', onclick: () => act('claim') }, '认领'));
    }
    if (open && mineOrAdmin(t)) {
      actions.append(el('button', { type: 'button', onclick: showTransfer }, '转交'));
      actions.append(el('button', { type: 'button', onclick: () => act('close') }, '关闭并交还助手'));
    }
    if (!open || t.status === 'answered') {
      const k = state.current.knowledge;
      if (mineOrAdmin(t) && t.answeredAt && (!k || k.retired)) {
        actions.append(el('button', { type: 'button', onclick: saveKnowledge }, '把答复存入知识库'));
      }
      if (k && !k.retired) actions.append(el('span', { class: 'muted' }, '答复已存入知识库'));
    }

    const thread = $('t-thread');
    thread.replaceChildren();
    for (const m of messages) {
      thread.append(el('li', { class: `msg ${m.author}` }, el('span', { class: 'who' }, `${AUTHOR[m.author] || m.author} · ${when(m.createdAt)}`), el('p', {}, m.text)));
    }

    // The latest turns matter most: show the end of a long thread.
    thread.scrollTop = thread.scrollHeight;
    $('reply-box').hidden = !(open && mineOrAdmin(t));
    $('transfer-box').hidden = true;
    $('kb-question').value = t.question;
    $('reply-error').textContent = '';

    const ps = $('t-passages');
    ps.replaceChildren();
    if (!passages.length) ps.append(el('li', { class: 'muted' }, '助手没有找到相关资料'));
    for (const p of passages) ps.append(passageItem(p.title, p.snippet, p.score));

    const ev = $('t-events');
    ev.replaceChildren();
    for (const e of events) {
      ev.append(el('li', {}, `${when(e.createdAt)} ${EVENT[e.kind] || e.kind} · ${e.actor}${e.assignee ? ` → ${e.assignee}` : ''}${e.note ? `（${e.note}）` : ''}`));
    }
    loadCanned(t.category);
  }

  function passageItem(title, text, score) {
    return el('li', {},
      el('strong', {}, title), score !== undefined ? el('span', { class: 'muted' }, ` 相关度 ${Math.round(score * 100)}%`) : null,
      el('p', {}, text),
      el('button', { type: 'button', class: 'link', onclick: () => insertText(text) }, '引用到答复'));
  }

  function insertText(text) {
    const box = $('reply-text');
    box.value = box.value ? `${box.value}\n${text}` : text;
    box.dispatchEvent(new Event('input'));
    box.focus();
  }

  async function loadCanned(category) {
    const { answers } = await api(`/api/v1/tickets/canned?category=${encodeURIComponent(category)}`);
    const box = $('canned');
    box.replaceChildren();
    for (const a of answers) box.append(el('button', { type: 'button', class: 'chip', title: a.text, onclick: () => insertText(a.text) }, a.title));
  }

  async function act(what, body) {
    const t = state.current.ticket;
    try {
      await api(`/api/v1/tickets/${t.id}/${what}`, { method: 'POST', body: body || {} });
      toast({ claim: '已认领', close: '已关闭，对话交还助手', transfer: '已转交' }[what] || '已完成');
      await Promise.all([openTicket(t.id), refreshList()]);
    } catch (err) {
      toast(err.message);
    }
  }

  async function showTransfer() {
    if (!state.experts) state.experts = (await api('/api/v1/users?role=expert')).users;
    const select = $('transfer-to');
    select.replaceChildren();
    const t = state.current.ticket;
    const others = state.experts.filter((u) => !u.disabled && (!t.assignee || u.id !== t.assignee.id));
    others.sort((a, b) => Number(b.specialties.includes(t.category)) - Number(a.specialties.includes(t.category)));
    for (const u of others) {
      select.append(el('option', { value: u.id }, `${u.name}（${u.specialties.join('、')}${u.counties.length ? ` · ${u.counties.join('、')}` : ''}${u.available ? '' : ' · 暂停接单'}）`));
    }
    $('transfer-box').hidden = false;
  }
  $('transfer').addEventListener('click', () => {
    if (!$('transfer-to').value) return toast('请选择专家');
    act('transfer', { to: $('transfer-to').value, note: $('transfer-note').value || undefined });
  });

  $('reply-text').addEventListener('input', () => {
    $('reply-count').textContent = `${$('reply-text').value.length}/2000`;
  });

  $('send').addEventListener('click', async () => {
    const text = $('reply-text').value.trim();
    $('reply-error').textContent = '';
    if (!text) {
      $('reply-error').textContent = '答复内容不能为空';
      return;
    }
    const t = state.current.ticket;
    const save = $('reply-kb').checked;
    $('send').disabled = true;
    try {
      const res = await api(`/api/v1/tickets/${t.id}/reply`, {
        method: 'POST',
        body: { text, saveToKnowledgeBase: save, question: save ? $('kb-question').value.trim() || undefined : undefined },
      });
      $('reply-text').value = '';
      $('reply-text').dispatchEvent(new Event('input'));
      $('reply-kb').checked = false;
      const sent = res.delivery.sms.length ? '，已发短信' : '';
      const kb = res.knowledge ? (res.knowledge.saved ? '，并已存入知识库' : `；${res.knowledge.error}`) : '';
      toast(`答复已送达${sent}${kb}`);
      await Promise.all([openTicket(t.id), refreshList()]);
    } catch (err) {
      $('reply-error').textContent = err.message;
    } finally {
      $('send').disabled = false;
    }
  });

  async function saveKnowledge() {
    const t = state.current.ticket;
    try {
      await api(`/api/v1/tickets/${t.id}/knowledge`, { method: 'POST', body: { question: $('kb-question').value.trim() || undefined } });
      toast('已存入知识库');
      await openTicket(t.id);
    } catch (err) {
      toast(err.message);
    }
  }

  $('kb-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('kb-q').value.trim();
    if (!q) return;
    const ul = $('kb-hits');
    try {
      const { hits } = await api(`/api/v1/tickets/kb-search?q=${encodeURIComponent(q)}`);
      ul.replaceChildren();
      if (!hits.length) ul.append(el('li', { class: 'muted' }, '没有找到'));
      for (const h of hits) ul.append(passageItem(`${h.title}${h.reviewed ? '（专家答复）' : ''}`, h.content, h.score));
    } catch (err) {
      toast(err.message);
    }
  });

  $('back').addEventListener('click', () => {
    document.body.classList.remove('reading');
    $('ticket').hidden = true;
    state.current = null;
    renderList();
  });

  // ---- live updates: Server-Sent Events read with fetch (the token stays in the header) ----
  async function listen() {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const res = await fetch('/api/v1/tickets/stream', { headers: { authorization: `Bearer ${token()}` }, signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
      $('live').classList.add('on');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (/^event: ticket/m.test(frame) && data) onChange(JSON.parse(data));
        }
      }
    } catch {
      // dropped or refused: retry below
    }
    $('live').classList.remove('on');
    if (!controller.signal.aborted && state.me) setTimeout(listen, 5000);
  }

  let refreshTimer;
  function onChange(n) {
    if (n.kind === 'created' || n.kind === 'transferred') {
      if (n.assigneeId === state.me.userId) toast(`有新问题分给您（${n.category}）`);
      else if (!n.assigneeId) toast(`队列里来了新问题（${n.category}）`);
    }
    if (n.kind === 'follow_up' && n.assigneeId === state.me.userId) toast('农户追问了');
    // Several changes at once make one refresh.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshList().catch(() => {});
      if (state.current && state.current.ticket.id === n.ticketId) openTicket(n.ticketId);
    }, 300);
  }

  // ---- start ----
  async function start() {
    try {
      state.me = await api('/api/v1/auth/me');
    } catch {
      return;
    }
    if (state.me.role !== 'expert' && state.me.role !== 'admin') return signedOut('专家台只供专家和管理员使用');
    $('login').hidden = true;
    $('board').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = `${state.me.name}${state.me.role === 'admin' ? '（管理员）' : `（${state.me.specialties.join('、')}）`}`;
    if (state.me.role === 'admin') {
      state.view = 'queue';
      for (const t of document.querySelectorAll('[role=tab]')) t.setAttribute('aria-selected', String(t.dataset.view === 'queue'));
    }
    await refreshList();
    listen();
    // Changes made through other server instances reach this page at least once a minute.
    state.poll = state.poll || setInterval(() => { if (state.me) refreshList().catch(() => {}); }, 60_000);
    const id = new URLSearchParams(location.search).get('ticket');
    if (id) openTicket(id);
  }

  fillSelect($('f-category'), CATEGORIES);
  fillSelect($('f-county'), COUNTIES);
  if (token()) start();
  else signedOut();
})();
