/* 益农助手 web chat: hand-written, no framework, so a cheap phone on a slow network loads it fast.
 * Over 300 lines on purpose: one classic script is one request on a 2G link and runs on browsers without
 * modules; its sections (the kept thread, drawing, sending, WebSocket, HTTP fallback, officer mode, the
 * composer) share one closure's state.
 * Wire protocol: docs/webchat-protocol.md. History lives in localStorage (device id + messages); an
 * officer's login token only in sessionStorage, so it is gone when the browser is closed. */
/* global navigator, location, fetch, WebSocket, URLSearchParams, crypto, setTimeout, clearTimeout, setInterval */
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var KEEP = 300; // messages kept on the phone
  var MAX_CHARS = 2000;
  var FARMER_KEY = 'yinong.chat.farmer';
  var OFFICER_KEY = 'yinong.chat.officer';
  var TOKEN_KEY = 'yinong.token';
  var DEFAULT_QUICK = ['金乡大蒜今天啥价', '小麦条锈病咋防治', '哪里能交电费', '帮助'];
  var OFFICER_TOOLS = ['代问', '发布价格', '发布用工', '发布供求'];
  var CHANNELS = { sms: '短信', api: '代问/接口', web: '网页' };

  // Storage can throw (private mode, full, blocked in a third-party frame): the chat still works without it.
  function area(name) { try { var a = window[name]; a.getItem('x'); return a; } catch { return null; } }
  var local = area('localStorage');
  var session = area('sessionStorage');
  function load(a, key) { try { return a ? JSON.parse(a.getItem(key)) : null; } catch { return null; } }
  function keep(a, key, value) { try { if (a) a.setItem(key, JSON.stringify(value)); } catch { /* full */ } }
  function forget(a, key) { try { if (a) a.removeItem(key); } catch { /* blocked */ } }

  function randomHex(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  var deviceId = load(local, 'yinong.deviceId');
  if (!deviceId || !/^[A-Za-z0-9_-]{16,128}$/.test(deviceId)) {
    deviceId = 'd' + randomHex(16);
    keep(local, 'yinong.deviceId', deviceId);
  }

  var S = {
    token: load(session, TOKEN_KEY),
    role: 'farmer',
    name: '',
    thread: null,   // { conversationId, messages: [...] }: messages without an id are not yet acknowledged
    ready: false,   // welcome received: messages can go out
  };

  // ---------- the thread kept on the phone ----------
  function threadKey() { return S.token ? OFFICER_KEY : FARMER_KEY; }
  function loadThread() {
    var t = load(local, threadKey());
    S.thread = t && Array.isArray(t.messages) ? t : { conversationId: null, messages: [] };
  }
  function saveThread() {
    var list = S.thread.messages;
    if (list.length > KEEP) S.thread.messages = list.slice(list.length - KEEP);
    keep(local, threadKey(), S.thread);
  }
  function idLess(a, b) { return a.length !== b.length ? a.length < b.length : a < b; }
  function byId(x, y) {
    if (!x.id || !y.id) return (x.id ? 0 : 1) - (y.id ? 0 : 1);
    return idLess(x.id, y.id) ? -1 : x.id === y.id ? 0 : 1;
  }
  function lastSeenId() {
    var last = null;
    S.thread.messages.forEach(function (m) {
      if (m.id && m.conversationId === S.thread.conversationId && (!last || idLess(last, m.id))) last = m.id;
    });
    return last;
  }
  /** Add or update a message; copies (a resend, a resume) are dropped by id or client id. */
  function merge(w) {
    var list = S.thread.messages;
    for (var i = 0; i < list.length; i++) {
      var m = list[i];
      if ((w.id && m.id === w.id) || (w.clientId && m.clientId === w.clientId && (!m.id || m.id === w.id))) {
        var state = w.id ? undefined : m.state;
        list[i] = Object.assign({}, m, w, { state: state });
        if (!state) delete list[i].state;
        list.sort(byId);
        return;
      }
    }
    list.push(w);
    list.sort(byId);
  }
  function pending() { return S.thread.messages.filter(function (m) { return !m.id && m.state !== 'failed'; }); }
  function findPending(clientId) {
    return S.thread.messages.filter(function (m) { return !m.id && m.clientId === clientId; })[0];
  }

  // ---------- drawing ----------
  var log = $('log');
  var nodes = new Map();
  function maskPhone(p) { return String(p).replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2'); }
  function time(iso) {
    var d = new Date(iso);
    return isNaN(d) ? '' : ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function who(m) {
    if (m.author === 'farmer' || m.author === 'officer') {
      if (m.onBehalfOf) return '代问 ' + maskPhone(m.onBehalfOf);
      return S.role === 'officer' ? '我（信息员）' : '我';
    }
    if (m.onBehalfOf && m.author === 'bot') return '益农助手 · 答复 ' + maskPhone(m.onBehalfOf);
    if (m.author === 'expert') return '专家答复';
    if (m.escalated) return '已转给专家';
    if (m.author === 'system') return '系统消息';
    return '益农助手';
  }
  function build(m, withRetry) {
    var mine = m.author === 'farmer' || m.author === 'officer';
    var cls = 'msg ' + (mine ? 'mine' : m.author) + (m.escalated ? ' escalated' : '') + (m.state ? ' ' + m.state : '');
    var box = el('div', cls);
    box.appendChild(el('span', 'who', who(m)));
    box.appendChild(document.createTextNode(m.text));
    if (m.escalated) {
      box.appendChild(el('span', 'ticket', m.ticketId ? '问题编号：' + m.ticketId.slice(0, 8) : '专家答复后会出现在这里'));
    }
    (m.citations || []).forEach(function (c) {
      var d = el('details', 'cite');
      d.appendChild(el('summary', '', '来源：' + c.title));
      d.appendChild(el('p', '', c.snippet));
      if (c.source) d.appendChild(el('p', 'src', c.source));
      box.appendChild(d);
      // Outside the folded details, so the farmer sees it without opening the source.
      if (c.notice) box.appendChild(el('span', 'notice', c.notice));
    });
    box.appendChild(el('span', 'when', time(m.createdAt)));
    if (withRetry && m.state === 'failed') {
      var b = el('button', 'ghost retry', '重发');
      b.type = 'button';
      b.addEventListener('click', function () { m.state = 'pending'; saveThread(); render(); transmit(m); });
      box.appendChild(b);
    }
    return box;
  }
  function intro() {
    var text = S.role === 'officer'
      ? '信息员您好！可以代农户提问（代问 手机号 问题），发布价格、用工、供求信息，点“农户记录”可查看农户以前的问答。'
      : '您好！我是益农助手。可以问我种植养殖技术、农产品价格、用工和供求信息、益农信息社能办的事。答不准的问题我会转给专家。';
    return build({ author: 'bot', text: text, createdAt: '' });
  }
  function render(scroll) {
    var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    var prev = nodes.get('intro');
    if (!prev || prev.dataset.role !== S.role) {
      var fresh = intro();
      fresh.dataset.role = S.role;
      if (prev) prev.replaceWith(fresh); else log.insertBefore(fresh, log.firstChild);
      nodes.set('intro', fresh);
      prev = fresh;
    }
    var seen = { intro: true };
    S.thread.messages.forEach(function (m) {
      var key = m.clientId ? 'c' + m.clientId : 'i' + m.id;
      seen[key] = true;
      var sig = [m.id, m.state, m.ticketId, m.text.length, S.role].join('|');
      var node = nodes.get(key);
      if (!node || node.dataset.sig !== sig) {
        var next = build(m, true);
        next.dataset.sig = sig;
        if (node) node.replaceWith(next);
        node = next;
        nodes.set(key, node);
      }
      // Insert only when out of place: moving every node would make screen readers re-read the log.
      if (node.previousElementSibling !== prev) prev.after(node);
      prev = node;
    });
    nodes.forEach(function (node, key) { if (!seen[key]) { node.remove(); nodes.delete(key); } });
    renderQuick();
    if (scroll || nearBottom) log.scrollTop = log.scrollHeight;
  }
  function renderQuick() {
    var bar = $('quick');
    bar.textContent = '';
    var list = S.thread.messages;
    var last = list[list.length - 1];
    var replies = last ? (last.author === 'bot' && !last.onBehalfOf ? last.quickReplies || [] : []) : DEFAULT_QUICK;
    if (S.role === 'officer') {
      OFFICER_TOOLS.forEach(function (t) { bar.appendChild(quickButton(t, true)); });
    }
    replies.forEach(function (t) { bar.appendChild(quickButton(t, false)); });
  }
  function quickButton(text, tool) {
    var b = el('button', tool ? 'tool' : '', text);
    b.type = 'button';
    b.addEventListener('click', function () {
      if (text === '代问') {
        var input = $('input');
        input.value = '代问 ';
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
        return;
      }
      submit(text);
    });
    return b;
  }
  var toastTimer;
  function toast(text) {
    var t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 8000);
  }
  function banner(kind) {
    var b = $('net');
    var text = {
      offline: '网络断开了。恢复后会自动重连，没发出去的消息会自动补发。',
      reconnecting: '正在重新连接…没发出去的消息连上后会自动补发。',
    }[kind];
    b.hidden = !text;
    b.textContent = text || '';
    b.className = 'net' + (kind === 'offline' ? ' bad' : '');
  }
  function typing(on) { $('typing').hidden = !on; }
  function showRole() {
    $('officer-bar').hidden = S.role !== 'officer';
    $('officer-name').textContent = S.role === 'officer' ? '信息员：' + (S.name || '') : '';
    $('login-open').hidden = S.role === 'officer';
  }

  // ---------- sending ----------
  function clientId() { return 'c' + Date.now().toString(36) + randomHex(6); }
  function submit(raw) {
    var text = String(raw || '').trim();
    if (!text) return;
    if (text.length > MAX_CHARS) { toast('一条消息最多 ' + MAX_CHARS + ' 个字，请分几次发。'); return; }
    var m = {
      clientId: clientId(), conversationId: S.thread.conversationId, author: S.role === 'officer' ? 'officer' : 'farmer',
      text: text, citations: [], quickReplies: [], escalated: false, createdAt: new Date().toISOString(), state: 'pending',
    };
    S.thread.messages.push(m);
    saveThread();
    render(true);
    transmit(m);
  }
  function transmit(m) {
    if (!S.ready) { m.state = 'waiting'; saveThread(); render(); return; }
    if (http.on) http.send(m); else ws.send(m);
  }
  function flushOutbox() { pending().forEach(function (m) { m.state = 'pending'; transmit(m); }); render(); }

  // ---------- frames from the server (WebSocket or the HTTP fallback) ----------
  function onWelcome(f) {
    if (S.thread.conversationId && S.thread.conversationId !== f.conversationId) {
      // Another thread than the one kept here (the database was reset): keep only what is unsent.
      S.thread.messages = pending();
    }
    S.thread.conversationId = f.conversationId;
    S.role = f.role;
    S.name = f.name || '';
    S.ready = true;
    showRole();
    (f.messages || []).forEach(merge);
    saveThread();
    render(true);
    banner(null);
    flushOutbox();
  }
  function onAck(a) {
    var m = findPending(a.clientId);
    if (!m) return;
    m.id = a.messageId;
    m.conversationId = a.conversationId;
    delete m.state;
    S.thread.messages.sort(byId);
    saveThread();
    render();
  }
  function onMessage(w) {
    delete w.type;
    if (w.author !== 'farmer' && w.author !== 'officer') typing(false);
    merge(w);
    saveThread();
    render();
  }
  function onError(f) {
    var m = f.clientId && findPending(f.clientId);
    if (f.code === 'rate_limited' && m) {
      m.state = 'waiting';
      setTimeout(function () { if (findPending(m.clientId)) transmit(m); }, f.retryAfterMs || 5000);
    } else if (m) {
      m.state = 'failed';
    }
    if (f.code === 'invalid_token' || (f.code === 'forbidden' && !S.ready)) {
      setToken(null);
      toast(f.message + '（已退回普通模式）');
      return;
    }
    if (m) { saveThread(); render(); }
    toast(f.message);
  }
  function onFrame(f) {
    switch (f.type) {
      case 'welcome': onWelcome(f); if (f.hasMore) ws.restart(); break;
      case 'ack': onAck(f); break;
      case 'message': onMessage(f); break;
      case 'typing': typing(f.active); break;
      case 'history': showHistory(f); break;
      case 'error': onError(f); break;
      default: break; // pong, or a frame type newer than this page
    }
  }

  // ---------- WebSocket, with heartbeats and reconnects ----------
  var ws = {
    sock: null, opened: false, failedOpens: 0, retries: 0, timer: null, lastFrame: 0, pingAt: 0,
    url: function () { return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/chat'; },
    connect: function () {
      clearTimeout(ws.timer);
      if (ws.sock || http.on) return;
      if (navigator.onLine === false) { banner('offline'); ws.later(); return; }
      var sock;
      try { sock = new WebSocket(ws.url()); } catch { ws.failedOpens++; ws.later(); return; }
      ws.sock = sock;
      var opened = false;
      sock.onopen = function () {
        opened = true;
        ws.failedOpens = 0;
        ws.lastFrame = Date.now();
        ws.pingAt = 0;
        var hello = { type: 'hello', deviceId: deviceId };
        var seen = lastSeenId();
        if (seen) hello.lastSeenId = seen;
        if (S.token) hello.token = S.token;
        sock.send(JSON.stringify(hello));
      };
      sock.onmessage = function (e) {
        ws.lastFrame = Date.now();
        var f;
        try { f = JSON.parse(e.data); } catch { return; }
        if (f.type === 'welcome') ws.retries = 0;
        onFrame(f);
      };
      sock.onclose = function () {
        if (ws.sock !== sock) return; // dropped on purpose
        ws.sock = null;
        S.ready = false;
        typing(false);
        if (!opened) ws.failedOpens++;
        // A WebSocket that never opens while the phone is online is probably blocked: use plain HTTP.
        if (ws.failedOpens >= 3 && navigator.onLine !== false) { http.start(); return; }
        banner(navigator.onLine === false ? 'offline' : 'reconnecting');
        ws.later();
      };
      sock.onerror = function () { /* onclose follows */ };
    },
    later: function () {
      clearTimeout(ws.timer);
      var wait = Math.min(15000, 1000 * Math.pow(2, ws.retries++)) * (0.75 + Math.random() / 2);
      ws.timer = setTimeout(ws.connect, wait);
    },
    drop: function () {
      var sock = ws.sock;
      ws.sock = null;
      S.ready = false;
      typing(false);
      if (sock) { try { sock.close(); } catch { /* already closing */ } }
    },
    restart: function () { ws.drop(); ws.retries = 0; ws.connect(); },
    send: function (m) {
      ws.raw({ type: 'message', clientId: m.clientId, text: m.text });
    },
    raw: function (frame) {
      if (ws.sock && ws.sock.readyState === 1) ws.sock.send(JSON.stringify(frame));
    },
    // A dead connection (the phone moved out of coverage) often never reports a close: ping, and give up
    // when nothing at all came back.
    beat: function () {
      if (!ws.sock || !S.ready) return;
      var now = Date.now();
      if (ws.pingAt && ws.lastFrame < ws.pingAt && now - ws.pingAt > 10000) {
        ws.drop();
        banner('reconnecting');
        ws.later();
        return;
      }
      if (now - ws.lastFrame > 20000 && (!ws.pingAt || ws.lastFrame >= ws.pingAt)) {
        ws.pingAt = now;
        ws.raw({ type: 'ping', t: now });
      }
    },
  };

  // ---------- plain HTTP, for networks that block WebSockets ----------
  var http = {
    on: false, retries: 0,
    headers: function () {
      var h = { 'content-type': 'application/json' };
      if (S.token) h.authorization = 'Bearer ' + S.token;
      return h;
    },
    start: function () {
      if (http.on) return;
      http.on = true;
      ws.drop();
      http.loop();
    },
    loop: function () {
      if (!http.on) return;
      var seen = lastSeenId();
      var url = '/webchat/api/poll?deviceId=' + encodeURIComponent(deviceId) + (seen ? '&after=' + seen : '') + '&wait=' + (S.ready ? 25 : 0);
      var token = S.token;
      fetch(url, { headers: http.headers(), cache: 'no-store' })
        .then(function (res) { return res.json().then(function (body) { return { res: res, body: body }; }); })
        .then(function (r) {
          if (token !== S.token) return;
          if (r.res.status === 401 || r.res.status === 403) { onError({ code: 'invalid_token', message: r.body.error.message }); return; }
          if (!r.res.ok) throw new Error(r.body.error ? r.body.error.message : String(r.res.status));
          http.retries = 0;
          if (!S.ready) onWelcome({ conversationId: r.body.conversationId, role: r.body.role, messages: r.body.messages });
          else { r.body.messages.forEach(merge); saveThread(); render(); }
          banner(null);
          http.loop();
        })
        .catch(function () {
          S.ready = false;
          banner(navigator.onLine === false ? 'offline' : 'reconnecting');
          setTimeout(http.loop, Math.min(15000, 1000 * Math.pow(2, http.retries++)));
        });
    },
    send: function (m) {
      fetch('/webchat/api/send', {
        method: 'POST', headers: http.headers(),
        body: JSON.stringify({ deviceId: deviceId, clientId: m.clientId, text: m.text }),
      })
        .then(function (res) { return res.json().then(function (body) { return { res: res, body: body }; }); })
        .then(function (r) {
          if (r.res.status === 429) {
            onError({ code: 'rate_limited', clientId: m.clientId, message: r.body.error.message, retryAfterMs: 1000 * (Number(r.res.headers.get('retry-after')) || 5) });
          } else if (!r.res.ok) {
            onError({ code: r.res.status === 401 ? 'invalid_token' : 'internal', clientId: m.clientId, message: r.body.error.message });
          } else {
            onAck(r.body.ack);
            r.body.messages.forEach(merge);
            saveThread();
            render();
          }
        })
        .catch(function () { m.state = 'waiting'; saveThread(); render(); });
    },
  };

  function reconnect() {
    S.ready = false;
    if (http.on) { http.on = false; http.start(); } else ws.restart();
  }

  // ---------- officer mode ----------
  function setToken(token) {
    if (!token && S.token) forget(local, OFFICER_KEY); // a shared station phone keeps no officer history
    S.token = token;
    if (token) keep(session, TOKEN_KEY, token); else forget(session, TOKEN_KEY);
    S.role = token ? 'officer' : 'farmer';
    nodes.forEach(function (n) { n.remove(); });
    nodes.clear();
    loadThread();
    showRole();
    render(true);
    reconnect();
  }
  function openDialog(d) { if (d.showModal) d.showModal(); else d.setAttribute('open', ''); }
  function closeDialog(d) { if (d.close) d.close(); else d.removeAttribute('open'); }

  $('login-open').addEventListener('click', function () {
    $('login-error').textContent = '';
    openDialog($('login'));
    $('username').focus();
  });
  $('login-cancel').addEventListener('click', function () { closeDialog($('login')); });
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var err = $('login-error');
    var button = $('login-submit');
    err.textContent = '';
    button.disabled = true;
    fetch('/api/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: $('username').value.trim(), password: $('password').value }),
    })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (body) { return { res: res, body: body }; }); })
      .then(function (r) {
        if (r.res.status === 404) { err.textContent = '登录功能还没开通，请联系县里的管理员。'; return; }
        if (!r.res.ok) { err.textContent = (r.body.error && r.body.error.message) || '用户名或密码不对'; return; }
        if (r.body.role !== 'officer' && r.body.role !== 'admin') { err.textContent = '这个账号不是信息员账号，不能在这里登录。'; return; }
        $('password').value = '';
        closeDialog($('login'));
        setToken(r.body.token);
      })
      .catch(function () { err.textContent = '网络不通，请稍后再试。'; })
      .then(function () { button.disabled = false; });
  });
  $('logout').addEventListener('click', function () { setToken(null); });

  $('history-open').addEventListener('click', function () {
    $('history-result').textContent = '';
    openDialog($('history'));
    $('history-phone').focus();
  });
  $('history-close').addEventListener('click', function () { closeDialog($('history')); });
  $('history-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var phone = $('history-phone').value.replace(/\s/g, '');
    var out = $('history-result');
    if (!/^(\+?86)?1[3-9]\d{9}$/.test(phone)) { out.textContent = '请填写 11 位手机号。'; return; }
    out.textContent = '正在查询…';
    if (!http.on && S.ready) { ws.raw({ type: 'history', phone: phone }); return; }
    // The phone goes in the body, never the URL: URLs end up in access logs and browser history.
    fetch('/webchat/api/history', {
      method: 'POST',
      headers: http.headers(),
      body: JSON.stringify({ phone: phone })
    })
      .then(function (res) { return res.json(); })
      .then(function (body) { if (body.error) out.textContent = body.error.message; else showHistory(body); })
      .catch(function () { out.textContent = '网络不通，请稍后再试。'; });
  });
  function showHistory(f) {
    var out = $('history-result');
    out.textContent = '';
    if (!f.messages.length) { out.textContent = '没有查到 ' + maskPhone(f.phone) + ' 的问答记录。'; return; }
    out.appendChild(el('p', '', maskPhone(f.phone) + ' 最近的问答（' + f.messages.length + ' 条）：'));
    f.messages.forEach(function (m) {
      var node = build(Object.assign({}, m, { onBehalfOf: undefined }), false);
      node.querySelector('.who').textContent = (CHANNELS[m.channel] || m.channel) + ' · ' +
        ({ farmer: '农户', officer: '信息员代问', bot: '益农助手', expert: '专家', system: '系统' }[m.author] || m.author);
      out.appendChild(node);
    });
  }

  // ---------- the composer ----------
  var input = $('input');
  function grow() { input.style.height = 'auto'; input.style.height = Math.min(input.scrollHeight + 4, 153) + 'px'; }
  // No maxlength: a pasted text longer than a message may be is kept whole and the farmer is told, rather
  // than cut without a word. The counter appears near the limit; past it, sending is refused with the reason.
  function count() {
    var n = input.value.trim().length;
    var box = $('count');
    box.hidden = n < MAX_CHARS - 200;
    box.classList.toggle('over', n > MAX_CHARS);
    box.textContent = n > MAX_CHARS
      ? '已写 ' + n + ' 个字，超出 ' + (n - MAX_CHARS) + ' 个字：一条消息最多 ' + MAX_CHARS + ' 个字，请删短或分几次发。'
      : '已写 ' + n + ' 个字，一条消息最多 ' + MAX_CHARS + ' 个字。';
  }
  input.addEventListener('input', function () { grow(); count(); });
  input.addEventListener('keydown', function (e) {
    // Enter sends, Shift+Enter is a new line; never while a Chinese input method is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      $('send').click();
    }
  });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    // Too long: the text stays in the box for the farmer to shorten (submit would refuse it with the reason).
    if (text.trim().length > MAX_CHARS) { count(); submit(text); input.focus(); return; }
    input.value = '';
    grow();
    count();
    submit(text);
  });

  // ---------- start ----------
  if (params.get('embed') === '1') document.documentElement.classList.add('embed');
  var title = params.get('title');
  if (title) { $('title').textContent = title.slice(0, 20); document.title = title.slice(0, 20); }
  S.role = S.token ? 'officer' : 'farmer';
  loadThread();
  showRole();
  render(true);
  window.addEventListener('offline', function () { ws.drop(); S.ready = false; banner('offline'); });
  window.addEventListener('online', function () { banner('reconnecting'); if (http.on) return; ws.retries = 0; ws.connect(); });
  setInterval(ws.beat, 5000);
  if (params.get('transport') === 'http') http.start(); else ws.connect();
})();
