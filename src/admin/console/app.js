/* global fetch, Chart, URLSearchParams, FileReader, Blob, URL, setTimeout, crypto */
// 益农助手 管理台: plain browser JavaScript, no build step. Text from the server is only ever set as text.
// Over 300 lines: one page's controller, a section per tab (sign-in, dashboard, progress, knowledge, review,
// accounts, prices and posts) sharing the token and toast of this closure; what the consoles share is in /ui/console.js.
import { $, COUNTIES, consoleApi, el, makeToast, SPECIALTIES } from '/ui/console.js';

(function () {
  'use strict';

  const TOKEN_KEY = 'yinong.admin.token';
  const KB_CATEGORIES = { policy: '政策', agronomy: '种植', livestock: '畜牧', aquaculture: '水产', service: '服务', market: '市场', labor: '用工', training: '培训', programme: '工程', faq: '常见问题' };
  const ROLES = { admin: '市管理员', county_admin: '县管理员', expert: '专家', officer: '信息员' };
  const CHANNELS = { web: '网页', sms: '短信', api: '接口', botpress: 'Botpress' };
  const POST_TYPES = { hiring: '招工', seeking: '找活', sell: '出售', buy: '收购' };
  const COLORS = ['#2f7d32', '#1565c0', '#ef6c00', '#6a1b9a', '#00838f', '#c62828', '#558b2f', '#4527a0', '#ad1457', '#37474f', '#f9a825'];

  const state = { me: null, tab: 'dashboard', charts: {}, kbSelected: null };

  const clear = (node) => { while (node.firstChild) node.firstChild.remove(); return node; };
  const token = () => localStorage.getItem(TOKEN_KEY);
  const isCity = () => state.me && state.me.role === 'admin';

  const api = consoleApi({ token, signedOut, passwordChangeRequired: showChange });
  const toast = makeToast(5000);
  const fail = (e) => toast(e.message);
  const todayChina = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
  const fmt = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN'));
  const shortTime = (iso) => new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }).slice(0, 16);

  function options(select, entries, first) {
    clear(select);
    if (first) select.append(el('option', { value: '' }, first));
    for (const [value, label] of entries) select.append(el('option', { value }, label));
  }

  // ---- sign-in -------------------------------------------------------------------------------------
  function show(section) {
    for (const id of ['login', 'change']) $(id).hidden = id !== section;
    for (const s of document.querySelectorAll('.tab')) s.hidden = true;
    $('tabs').hidden = section !== 'app';
    $('who').hidden = section === 'login';
  }
  function signedOut(message) {
    localStorage.removeItem(TOKEN_KEY);
    state.me = null;
    show('login');
    $('login-error').textContent = message || '';
  }
  function showChange() {
    show('change');
    $('current').focus();
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      const r = await api('/api/v1/auth/login', { method: 'POST', body: { username: $('username').value, password: $('password').value } });
      if (r.role !== 'admin' && r.role !== 'county_admin') {
        $('login-error').textContent = `这是${ROLES[r.role] || r.role}账号，管理台只供市、县管理员使用`;
        return;
      }
      localStorage.setItem(TOKEN_KEY, r.token);
      $('password').value = '';
      await start();
    } catch (err) {
      $('login-error').textContent = err.message;
    }
  });

  $('change-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('change-error').textContent = '';
    if ($('new1').value !== $('new2').value) { $('change-error').textContent = '两次输入的新密码不一样'; return; }
    try {
      const r = await api('/api/v1/auth/password', { method: 'POST', body: { currentPassword: $('current').value, newPassword: $('new1').value } });
      localStorage.setItem(TOKEN_KEY, r.token);
      for (const id of ['current', 'new1', 'new2']) $(id).value = '';
      toast('密码已修改');
      await start();
    } catch (err) {
      $('change-error').textContent = err.message;
    }
  });

  $('logout').addEventListener('click', async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => {});
    signedOut('已退出');
  });

  async function start() {
    if (!token()) return signedOut();
    let me;
    try { me = await api('/api/v1/auth/me'); } catch { return; }
    state.me = me;
    $('who-name').textContent = `${me.name}（${ROLES[me.role] || me.role}${me.counties.length ? ' · ' + me.counties.join('、') : ''}）`;
    if (me.mustChangePassword) return showChange();
    show('app');
    for (const b of document.querySelectorAll('[data-admin]')) b.hidden = !isCity();
    const counties = me.role === 'county_admin' ? me.counties : COUNTIES;
    options($('d-county'), counties.map((c) => [c, c]), me.role === 'county_admin' ? null : '全市');
    options($('p-county'), counties.map((c) => [c, c]));
    openTab(isCity() || state.tab === 'dashboard' || state.tab === 'progress' ? state.tab : 'dashboard');
  }

  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => openTab(b.dataset.tab));
  function openTab(tab) {
    state.tab = tab;
    for (const b of document.querySelectorAll('#tabs button')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${tab}`;
    const load = { dashboard: loadDashboard, progress: loadProgress, kb: loadKb, review: loadReview, accounts: loadAccounts, market: loadMarket }[tab];
    load().catch(fail);
  }

  // ---- dashboard -----------------------------------------------------------------------------------
  function chart(id, config) {
    if (state.charts[id]) state.charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    state.charts[id] = new Chart($(id), config);
  }

  $('d-to').value = todayChina();
  $('d-from').value = addDays(todayChina(), -29);
  $('d-refresh').addEventListener('click', () => loadDashboard().catch(fail));

  async function loadDashboard() {
    const county = $('d-county').value;
    const qs = new URLSearchParams({ from: $('d-from').value, to: $('d-to').value });
    if (county) qs.set('county', county);
    const [progress, reports, stats] = await Promise.all([
      api('/api/v1/programme/progress'),
      api(`/api/v1/programme/reports?limit=2000${county ? `&county=${encodeURIComponent(county)}` : ''}`),
      api(`/api/v1/stats/service?${qs}`),
    ]);
    const rows = progress.counties.filter((c) => !county || c.county === county);
    const t = progress.total;
    const kpis = clear($('kpis'));
    const kpi = (label, value, note) => kpis.append(el('div', { class: 'kpi' }, el('span', {}, label), el('b', {}, value), note ? el('small', {}, note) : null));
    kpi('已建益农信息社', fmt(t.stationsBuilt), `已填报县市区完成率 ${t.percentOfTarget === null ? '—' : t.percentOfTarget + '%'}；全市应完成 ${fmt(t.stationsDue)}`);
    kpi('已填报县市区', `${t.countiesReported}/${t.counties}`);
    kpi('对话轮数', fmt(stats.turns), `${stats.from} 至 ${stats.to}`);
    kpi('助手回答 / 转专家', `${fmt(stats.answered)} / ${fmt(stats.escalated)}`);
    kpi('待处理工单', fmt(stats.ticketsOpen), `超时 ${fmt(stats.ticketsOverdue)}`);
    kpi('按时答复', stats.slaMetShare === null ? '—' : `${Math.round(stats.slaMetShare * 100)}%`,
      `首次答复中位 ${stats.medianFirstResponseMinutes === null ? '—' : stats.medianFirstResponseMinutes + ' 分钟'}`);

    chart('c-built', {
      type: 'bar',
      data: {
        labels: rows.map((c) => c.county),
        datasets: [
          { label: '已建成', data: rows.map((c) => c.stationsBuilt), backgroundColor: '#2f7d32' },
          { label: '截至统计日应完成', data: rows.map((c) => c.stationsDue), backgroundColor: '#c5e1a5' },
        ],
      },
    });

    const history = reports.reports.slice().reverse();
    const dates = [...new Set(history.map((r) => r.asOf))].sort();
    const byCounty = {};
    for (const r of history) (byCounty[r.county] = byCounty[r.county] || {})[r.asOf] = r.stationsBuilt; // later filings win
    chart('c-history', {
      type: 'line',
      data: {
        labels: dates,
        datasets: Object.keys(byCounty).sort((a, b) => COUNTIES.indexOf(a) - COUNTIES.indexOf(b)).map((c) => ({
          label: c, data: dates.map((d) => (byCounty[c][d] === undefined ? null : byCounty[c][d])), spanGaps: true,
          borderColor: COLORS[COUNTIES.indexOf(c) % COLORS.length], backgroundColor: COLORS[COUNTIES.indexOf(c) % COLORS.length],
        })),
      },
    });

    const days = [...new Set(stats.byDay.map((d) => d.day))].sort();
    const channels = [...new Set(stats.byDay.map((d) => d.channel))];
    const at = (day, channel, f) => stats.byDay.filter((d) => d.day === day && (!channel || d.channel === channel)).reduce((n, d) => n + d[f], 0);
    chart('c-turns', {
      type: 'bar',
      data: { labels: days, datasets: channels.map((ch, i) => ({ label: CHANNELS[ch] || ch, data: days.map((d) => at(d, ch, 'turns')), backgroundColor: COLORS[i % COLORS.length] })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    chart('c-answers', {
      type: 'bar',
      data: {
        labels: days,
        datasets: [
          { label: '助手回答', data: days.map((d) => at(d, null, 'answered')), backgroundColor: '#1565c0' },
          { label: '转专家', data: days.map((d) => at(d, null, 'escalated')), backgroundColor: '#ef6c00' },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });

    const list = clear($('unanswered'));
    if (!stats.topUnanswered.length) list.append(el('li', { class: 'hint' }, '这段时间没有转专家的问题'));
    for (const g of stats.topUnanswered) list.append(el('li', {}, el('b', {}, `${g.count} 次`), ` ${g.question} `, el('small', {}, `（${g.category}${g.keywords.length ? '：' + g.keywords.join('、') : ''}）`)));
    const tbody = clear($('experts').tBodies[0]);
    if (!stats.byExpert.length) tbody.append(el('tr', {}, el('td', { colspan: '4', class: 'hint' }, '这段时间没有工单')));
    for (const x of stats.byExpert) {
      tbody.append(el('tr', {}, el('td', {}, x.name), el('td', {}, fmt(x.answered)),
        el('td', {}, x.medianResponseMinutes === null ? '—' : `${x.medianResponseMinutes} 分钟`), el('td', { class: x.overdue ? 'warn' : '' }, fmt(x.overdue))));
    }
  }

  // ---- progress ------------------------------------------------------------------------------------
  $('p-asof').value = todayChina();
  $('p-asof').max = todayChina();
  $('p-view-asof').value = todayChina();
  $('p-view-asof').addEventListener('change', () => loadProgress().catch(fail));
  const optionalNumber = (id) => ($(id).value === '' ? undefined : Number($(id).value));

  $('p-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = $('p-result');
    out.className = 'result';
    try {
      const r = await api('/api/v1/programme/progress', {
        method: 'POST',
        body: {
          county: $('p-county').value, asOf: $('p-asof').value, stationsBuilt: Number($('p-built').value),
          stationsStandard: optionalNumber('p-standard'), appDownloads: optionalNumber('p-downloads'),
          officersTrained: optionalNumber('p-trained'), note: $('p-note').value || undefined,
        },
      });
      out.textContent = `已保存。${r.sentence || ''}`;
      out.classList.add('ok');
      await loadProgress();
    } catch (err) {
      out.textContent = err.message;
      out.classList.add('error');
    }
  });

  function readFile(input) {
    return new Promise((resolve, reject) => {
      const f = input.files && input.files[0];
      if (!f) return reject(new Error('请先选择文件'));
      const r = new FileReader();
      r.onload = () => resolve({ name: f.name, bytes: r.result });
      r.onerror = () => reject(new Error('文件读不出来'));
      r.readAsArrayBuffer(f);
    });
  }
  async function importTable(dryRun) {
    const out = $('p-import-result');
    out.className = 'result';
    try {
      const f = await readFile($('p-file'));
      const r = await api(`/api/v1/programme/progress/import?dryRun=${dryRun}`, { method: 'POST', raw: new Blob([f.bytes]), type: 'text/csv' });
      out.textContent = r.message;
      out.classList.add('ok');
      if (!dryRun) await loadProgress();
    } catch (err) {
      const issues = err.data && err.data.error && err.data.error.issues;
      out.textContent = issues ? `没有导入（一行也没存）：\n${issues.join('\n')}` : err.message;
      out.classList.add('error');
    }
  }
  $('p-check').addEventListener('click', () => importTable(true));
  $('p-import').addEventListener('click', () => importTable(false));
  $('p-export').addEventListener('click', async (e) => {
    e.preventDefault();
    try {
      const asOf = $('p-view-asof').value || todayChina();
      const res = await fetch(`/api/v1/programme/progress.csv?asOf=${asOf}`, { headers: { authorization: `Bearer ${token()}` } });
      if (!res.ok) throw new Error(`导出失败（${res.status}）`);
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: `信息进村入户工程实施进度统计表-${asOf}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) { fail(err); }
  });

  async function loadProgress() {
    const asOf = $('p-view-asof').value || todayChina();
    const p = await api(`/api/v1/programme/progress?asOf=${asOf}`);
    const tbody = clear($('p-table').tBodies[0]);
    const row = (c, total) => el('tr', { class: total ? 'total' : '' },
      el('td', {}, total ? '合计' : c.county), el('td', {}, c.asOf || '未填报'), el('td', {}, fmt(c.villages)), el('td', {}, fmt(c.stationsDue)),
      el('td', {}, fmt(c.stationsBuilt)), el('td', { class: c.percentOfTarget !== null && c.percentOfTarget < 80 ? 'warn' : '' }, c.percentOfTarget === null ? '—' : `${c.percentOfTarget}%`),
      el('td', {}, fmt(c.stationsStandard)), el('td', {}, `${fmt(c.appDownloads)} / ${fmt(c.appDownloadsDue)}`), el('td', {}, fmt(c.officersTrained)),
      el('td', {}, total ? `${c.countiesReported}/${c.counties} 已填报` : c.reportedBy || ''));
    for (const c of p.counties) tbody.append(row(c, false));
    if (p.counties.length > 1) tbody.append(row(p.total, true));
  }

  // ---- knowledge base ------------------------------------------------------------------------------
  options($('kb-category'), Object.entries(KB_CATEGORIES), '全部分类');
  options($('kb-up-category'), Object.entries(KB_CATEGORIES), '按文件自动');
  $('kb-search').addEventListener('click', () => loadKb().catch(fail));
  $('kb-q').addEventListener('keydown', (e) => { if (e.key === 'Enter') loadKb().catch(fail); });
  $('kb-due-days').addEventListener('change', () => loadReviewDue().catch(fail));
  const reviewCell = (d) => (d.reviewBy
    ? el('td', {}, d.reviewBy, d.pastReview ? el('small', { class: 'tag overdue' }, '已过期') : null)
    : el('td', { class: 'hint' }, '未设'));

  async function loadKb() {
    const qs = new URLSearchParams({ status: $('kb-status').value, limit: '100' });
    if ($('kb-q').value.trim()) qs.set('q', $('kb-q').value.trim());
    if ($('kb-category').value) qs.set('category', $('kb-category').value);
    const r = await api(`/api/v1/kb/documents?${qs}`);
    $('kb-count').textContent = `共 ${r.total} 篇${r.total > r.documents.length ? `，显示前 ${r.documents.length} 篇` : ''}`;
    const tbody = clear($('kb-table').tBodies[0]);
    for (const d of r.documents) {
      const act = d.status === 'active'
        ? el('button', { type: 'button', class: 'small', onclick: (e) => { e.stopPropagation(); retire(d); } }, '停用')
        : el('button', { type: 'button', class: 'small', onclick: (e) => { e.stopPropagation(); restore(d); } }, '恢复');
      tbody.append(el('tr', { class: `clickable${d.status === 'retired' ? ' muted' : ''}`, onclick: () => preview(d) },
        el('td', {}, d.title, d.reviewed ? el('small', { class: 'tag' }, '专家审定') : null), el('td', {}, KB_CATEGORIES[d.category] || d.category),
        el('td', {}, d.county || '全市'), el('td', {}, d.chunks), reviewCell(d), el('td', {}, shortTime(d.updatedAt)), el('td', {}, act)));
    }
    await loadReviewDue();
  }
  async function loadReviewDue() {
    const days = $('kb-due-days').value;
    const r = await api(`/api/v1/kb/documents?${new URLSearchParams({ status: 'active', reviewDue: days, limit: '200' })}`);
    $('kb-due-count').textContent = r.total
      ? `${days === '0' ? '已过复核期' : `${days} 天内到复核期`}：${r.total} 篇`
      : (days === '0' ? '没有过了复核期的文档' : `${days} 天内没有到复核期的文档`);
    const tbody = clear($('kb-due-table').tBodies[0]);
    for (const d of r.documents) {
      const who = [d.writtenBy && `编写：${d.writtenBy}`, d.reviewedBy && `复核：${d.reviewedBy}`].filter(Boolean).join('；');
      tbody.append(el('tr', { class: 'clickable', onclick: () => preview(d) },
        el('td', {}, d.title), reviewCell(d), el('td', {}, d.reviewedAt || '—'), el('td', {}, who || '—')));
    }
  }
  async function preview(d) {
    const r = await api(`/api/v1/kb/documents/${d.id}`).catch(fail);
    if (!r) return;
    $('kb-preview-title').textContent = `段落预览：${r.document.title}`;
    const ol = clear($('kb-preview'));
    if (!r.chunks.length) ol.append(el('li', { class: 'hint' }, '已停用的文档没有段落；恢复后重新切分'));
    for (const c of r.chunks) ol.append(el('li', {}, c.headingPath.length ? el('b', {}, c.headingPath.join(' › ')) : null, el('p', {}, c.content)));
  }
  async function retire(d) {
    if (!window.confirm(`停用《${d.title}》？助手将不再引用它（可以恢复）。`)) return;
    await api(`/api/v1/kb/documents/${d.id}/retire`, { method: 'POST' }).then(() => toast('已停用')).catch(fail);
    await loadKb().catch(fail);
  }
  async function restore(d) {
    await api(`/api/v1/kb/documents/${d.id}/restore`, { method: 'POST' }).then(() => toast('已恢复')).catch(fail);
    await loadKb().catch(fail);
  }
  $('kb-upload').addEventListener('click', async () => {
    const out = $('kb-up-result');
    out.className = 'result';
    try {
      const f = await readFile($('kb-file'));
      const qs = new URLSearchParams({ filename: f.name });
      if ($('kb-up-category').value) qs.set('category', $('kb-up-category').value);
      const type = /\.csv$/i.test(f.name) ? 'text/csv' : /\.jsonl?$/i.test(f.name) ? 'application/x-ndjson' : 'text/markdown';
      const r = await api(`/api/v1/kb/upload?${qs}`, { method: 'POST', raw: new Blob([f.bytes]), type });
      const st = { created: '新增', updated: '已更新', unchanged: '内容没变' };
      out.textContent = r.documents.map((d) => `${st[d.status]}：${d.title}（${d.chunks} 段）`).join('\n');
      out.classList.add('ok');
      await loadKb();
      if (r.documents[0]) await preview(r.documents[0]);
    } catch (err) {
      out.textContent = err.message;
      out.classList.add('error');
    }
  });

  // ---- review queue --------------------------------------------------------------------------------
  $('rv-refresh').addEventListener('click', () => loadReview().catch(fail));
  $('rv-status').addEventListener('change', () => loadReview().catch(fail));
  async function loadReview() {
    const r = await api(`/api/v1/review/expert-answers?status=${$('rv-status').value}`);
    const list = clear($('rv-list'));
    if (!r.answers.length) list.append(el('p', { class: 'card hint' }, '没有需要审核的专家答复'));
    for (const a of r.answers) {
      const text = el('textarea', { rows: '4', maxlength: '4000' });
      text.value = a.answer;
      const status = { pending: '待审核', approved: `已通过（${a.approvedBy || ''}）`, retired: '已停用' }[a.status];
      const buttons = a.status === 'retired' ? [] : [
        el('button', { type: 'button', onclick: () => act(api(`/api/v1/expert-answers/${a.id}`, { method: 'PATCH', body: { answer: text.value } }), '已保存修改') }, '保存修改'),
        a.status === 'pending' ? el('button', { type: 'button', class: 'primary', onclick: () => act(api(`/api/v1/expert-answers/${a.id}/approve`, { method: 'POST' }), '已审核通过') }, '通过') : null,
        el('button', { type: 'button', class: 'danger', onclick: () => window.confirm('停用这条答复？它会从知识库移除。') && act(api(`/api/v1/expert-answers/${a.id}`, { method: 'DELETE' }), '已停用') }, '停用'),
      ];
      list.append(el('article', { class: 'card review' },
        el('h3', {}, a.question), el('p', { class: 'hint' }, `${a.authorName} · ${a.category}${a.county ? ' · ' + a.county : ''} · ${shortTime(a.createdAt)} · ${status}`),
        text, el('div', { class: 'row' }, ...buttons)));
    }
  }
  async function act(promise, message) {
    try { await promise; toast(message); await loadReview(); } catch (err) { fail(err); }
  }

  // ---- accounts ------------------------------------------------------------------------------------
  options($('ac-role'), Object.entries(ROLES), '全部角色');
  options($('ac-role-input'), Object.entries(ROLES));
  $('ac-role').addEventListener('change', () => loadAccounts().catch(fail));
  const checks = (box, values) => { clear(box); for (const v of values) box.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', value: v }), v)); };
  checks($('ac-specialties'), SPECIALTIES);
  checks($('ac-counties'), COUNTIES);
  const checked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);
  const setChecked = (box, values) => { for (const i of box.querySelectorAll('input')) i.checked = values.includes(i.value); };
  function randomPassword() {
    const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  }
  function editAccount(u) {
    $('ac-form-title').textContent = u ? `修改账号 ${u.username}` : '新建账号';
    $('ac-id').value = u ? u.id : '';
    $('ac-username').value = u ? u.username : '';
    $('ac-username').disabled = !!u;
    $('ac-name').value = u ? u.name : '';
    $('ac-role-input').value = u ? u.role : 'expert';
    $('ac-phone').value = (u && u.phone) || '';
    $('ac-village').value = (u && u.village) || '';
    $('ac-password').value = '';
    $('ac-password').placeholder = u ? '留空则不改密码' : '留空则自动生成';
    setChecked($('ac-specialties'), u ? u.specialties : []);
    setChecked($('ac-counties'), u ? u.counties : []);
    $('ac-result').textContent = '';
  }
  $('ac-new').addEventListener('click', () => editAccount(null));
  $('ac-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = $('ac-result');
    out.className = 'result';
    const id = $('ac-id').value;
    const body = {
      name: $('ac-name').value.trim() || undefined, role: $('ac-role-input').value, specialties: checked($('ac-specialties')),
      counties: checked($('ac-counties')),
    };
    if ($('ac-phone').value.trim()) body.phone = $('ac-phone').value.trim(); else if (id) body.phone = null;
    if ($('ac-village').value.trim()) body.village = $('ac-village').value.trim(); else if (id) body.village = null;
    let password = $('ac-password').value;
    try {
      if (id) {
        if (password) Object.assign(body, { password, mustChangePassword: true });
        await api(`/api/v1/users/${id}`, { method: 'PATCH', body });
        out.textContent = password ? `已保存；新密码 ${password}（对方首次登录须修改）` : '已保存';
      } else {
        password = password || randomPassword();
        await api('/api/v1/users', { method: 'POST', body: Object.assign(body, { username: $('ac-username').value.trim(), password, mustChangePassword: true }) });
        out.textContent = `已创建 ${$('ac-username').value}，初始密码 ${password}（只显示这一次，对方首次登录须修改）`;
      }
      out.classList.add('ok');
      await loadAccounts();
    } catch (err) {
      out.textContent = err.message;
      out.classList.add('error');
    }
  });
  async function loadAccounts() {
    const role = $('ac-role').value;
    const r = await api(`/api/v1/users${role ? `?role=${role}` : ''}`);
    const tbody = clear($('ac-table').tBodies[0]);
    for (const u of r.users) {
      const scope = [u.specialties.join('、'), u.counties.join('、') || (u.role === 'expert' ? '全市' : ''), u.village].filter(Boolean).join(' / ');
      const toggle = el('button', { type: 'button', class: 'small', onclick: async (e) => {
        e.stopPropagation();
        await api(`/api/v1/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } }).then(() => toast(u.disabled ? '已启用' : '已停用')).catch(fail);
        await loadAccounts().catch(fail);
      } }, u.disabled ? '启用' : '停用');
      const reset = el('button', { type: 'button', class: 'small', onclick: async (e) => {
        e.stopPropagation();
        const password = randomPassword();
        try {
          await api(`/api/v1/users/${u.id}`, { method: 'PATCH', body: { password, mustChangePassword: true } });
          window.alert(`${u.username} 的新密码：${password}\n只显示这一次，对方登录后须修改。`);
        } catch (err) { fail(err); }
      } }, '重置密码');
      tbody.append(el('tr', { class: `clickable${u.disabled ? ' muted' : ''}`, onclick: () => editAccount(u) },
        el('td', {}, u.username), el('td', {}, u.name), el('td', {}, ROLES[u.role] || u.role), el('td', {}, scope),
        el('td', {}, u.disabled ? '已停用' : u.mustChangePassword ? '待改密码' : '正常'), el('td', { class: 'nowrap' }, reset, ' ', toggle)));
    }
  }

  // ---- prices and posts ----------------------------------------------------------------------------
  $('pr-search').addEventListener('click', () => loadPrices().catch(fail));
  $('po-search').addEventListener('click', () => loadPosts().catch(fail));
  $('po-status').addEventListener('change', () => loadPosts().catch(fail));
  $('po-kind').addEventListener('change', () => loadPosts().catch(fail));
  async function loadMarket() { await Promise.all([loadPrices(), loadPosts()]); }
  async function loadPrices() {
    const c = $('pr-commodity').value.trim();
    const r = await api(`/api/v1/prices?limit=100${c ? `&commodity=${encodeURIComponent(c)}` : ''}`);
    const tbody = clear($('pr-table').tBodies[0]);
    for (const p of r.prices) {
      tbody.append(el('tr', {}, el('td', {}, p.date), el('td', {}, `${p.commodity}${p.variety ? '·' + p.variety : ''}`), el('td', {}, p.market),
        el('td', {}, `${p.low} / ${p.avg} / ${p.high}`), el('td', {}, p.unit),
        el('td', {}, el('button', { type: 'button', class: 'small', onclick: async () => {
          if (!window.confirm('删除这条价格？')) return;
          await api(`/api/v1/prices/${p.id}`, { method: 'DELETE' }).then(() => toast('已删除')).catch(fail);
          await loadPrices().catch(fail);
        } }, '删除'))));
    }
  }
  $('pr-import').addEventListener('click', async () => {
    const out = $('pr-result');
    out.className = 'result';
    try {
      const f = await readFile($('pr-file'));
      const r = await api(`/api/v1/prices?filename=${encodeURIComponent(f.name)}`, { method: 'POST', raw: new Blob([f.bytes]), type: /\.jsonl$/i.test(f.name) ? 'application/x-ndjson' : 'text/csv' });
      out.textContent = [r.message, ...r.rejections.map((x) => `${x.where}：${x.reason}`)].join('\n');
      out.classList.add('ok');
      await loadPrices();
    } catch (err) {
      const d = err.data;
      out.textContent = d && d.rejections ? [d.message, ...d.rejections.map((x) => `${x.where}：${x.reason}`)].join('\n') : err.message;
      out.classList.add('error');
    }
  });
  async function loadPosts() {
    const kind = $('po-kind').value || 'labor';
    const r = await api(`/api/v1/admin/posts?kind=${kind}&status=${$('po-status').value}&limit=100`);
    if (!$('po-kind').options.length) { options($('po-kind'), r.kinds.map((k) => [k.kind, k.label])); $('po-kind').value = kind; }
    const tbody = clear($('po-table').tBodies[0]);
    for (const p of r.posts) {
      tbody.append(el('tr', { class: p.status === 'closed' ? 'muted' : '' },
        el('td', {}, el('small', { class: 'tag' }, POST_TYPES[p.type] || p.type), ' ', p.title), el('td', {}, [p.county, p.town].filter(Boolean).join(' ')),
        el('td', {}, p.contact), el('td', {}, shortTime(p.expiresAt)),
        el('td', {}, p.status === 'active' ? el('button', { type: 'button', class: 'small', onclick: async () => {
          await api(`/api/v1/posts/${p.id}?kind=${p.kind}`, { method: 'DELETE' }).then(() => toast('已下架')).catch(fail);
          await loadPosts().catch(fail);
        } }, '下架') : '已下架')));
    }
  }

  start();
})();
