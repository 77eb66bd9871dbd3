/* 益农助手 — the officer's station services on the chat page: the 代购 queue of their county (confirm with
 * a price, mark arrived, collected or cancelled) and trainings (arrange one, see who signed up, record who
 * came). Uses the officer's login token that chat.js keeps in sessionStorage; the farmer is told by the server. */
(function () {
  'use strict';
  var TOKEN_KEY = 'yinong.token';
  var STATUS = { requested: '等确认', confirmed: '已确认', arrived: '已到货', collected: '已取走', cancelled: '已取消' };
  function $(id) { return document.getElementById(id); }
  function token() { try { return JSON.parse(window.sessionStorage.getItem(TOKEN_KEY)); } catch { return null; } }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function button(text, onClick) {
    var b = el('button', '', text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }
  function showError(text) { $('services-error').textContent = text || ''; }
  function api(method, url, body) {
    var headers = { authorization: 'Bearer ' + token() };
    if (body) headers['content-type'] = 'application/json';
    return window.fetch(url, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) throw new Error((data.error && data.error.message) || '操作没有成功，请稍后再试');
          return data;
        });
      }, function () { throw new Error('网络不通，请稍后再试。'); });
  }
  function when(iso) {
    var d = new Date(new Date(iso).getTime() + 8 * 3600000);
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日 ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }

  // ---------- 代购 ----------
  function loadOrders() {
    var list = $('orders-list');
    var status = $('orders-status').value;
    list.textContent = '正在读取…';
    var url = '/api/v1/orders' + (status === 'open' ? '' : '?status=' + status);
    api('GET', url).then(function (data) {
      var orders = status === 'open'
        ? data.orders.filter(function (o) { return o.status === 'requested' || o.status === 'confirmed' || o.status === 'arrived'; })
        : data.orders;
      list.textContent = '';
      if (!orders.length) { list.textContent = '没有这样的代购单。'; return; }
      orders.forEach(function (o) { list.appendChild(orderCard(o)); });
    }).catch(function (err) { list.textContent = ''; showError(err.message); });
  }
  function orderCard(o) {
    var card = el('article', 'svc-card');
    card.setAttribute('data-order', o.id);
    card.appendChild(el('h3', '', o.items));
    card.appendChild(el('p', 'status', STATUS[o.status] + (o.price ? '　价格：' + o.price : '')));
    card.appendChild(el('p', '', '农户 ' + o.phone + '　' + (o.stationName || o.county || '') + '　' + when(o.createdAt) + '登记'));
    if (o.note) card.appendChild(el('p', '', '备注：' + o.note));
    var actions = el('div', 'actions');
    function move(next, extra) {
      showError('');
      api('POST', '/api/v1/orders/' + o.id + '/status', Object.assign({ status: next }, extra || {}))
        .then(function () { loadOrders(); })
        .catch(function (err) { showError(err.message); });
    }
    if (o.status === 'requested') {
      var price = el('input');
      price.type = 'text';
      price.placeholder = '价格，如 130元/袋';
      price.setAttribute('aria-label', '价格');
      actions.appendChild(price);
      actions.appendChild(button('确认', function () {
        if (!price.value.trim()) { showError('确认前请填价格：价格由您定，助手不会编。'); price.focus(); return; }
        move('confirmed', { price: price.value.trim() });
      }));
    }
    if (o.status === 'confirmed') actions.appendChild(button('到货了', function () { move('arrived'); }));
    if (o.status === 'arrived') actions.appendChild(button('已取走', function () { move('collected'); }));
    if (o.status === 'requested' || o.status === 'confirmed' || o.status === 'arrived') {
      actions.appendChild(button('取消这单', function () { move('cancelled', { note: '信息员取消' }); }));
    }
    if (actions.childNodes.length) card.appendChild(actions);
    return card;
  }

  // ---------- 培训 ----------
  function loadTrainings() {
    var list = $('trainings-list');
    list.textContent = '正在读取…';
    api('GET', '/api/v1/trainings').then(function (data) {
      list.textContent = '';
      if (!data.trainings.length) { list.textContent = '还没有安排培训。'; return; }
      data.trainings.forEach(function (t) { list.appendChild(trainingCard(t)); });
    }).catch(function (err) { list.textContent = ''; showError(err.message); });
  }
  function trainingCard(t) {
    var card = el('article', 'svc-card');
    card.setAttribute('data-training', t.id);
    card.appendChild(el('h3', '', t.topic));
    card.appendChild(el('p', '', when(t.startsAt) + '　' + t.place + '（' + t.county + '）'));
    card.appendChild(el('p', 'status', '已报 ' + t.seated + '/' + t.capacity + (t.waitlisted ? '，候补 ' + t.waitlisted : '') + (t.attended ? '，到场 ' + t.attended : '')));
    var actions = el('div', 'actions');
    actions.appendChild(button('名单和到场', function () { showSignups(t, card); }));
    card.appendChild(actions);
    return card;
  }
  function showSignups(t, card) {
    showError('');
    api('GET', '/api/v1/trainings/' + t.id + '/signups').then(function (data) {
      var old = card.querySelector('.signups');
      if (old) old.remove();
      var box = el('div', 'signups');
      if (!data.signups.length) { box.appendChild(el('p', '', '还没有人报名。')); card.appendChild(box); return; }
      var ul = el('ul');
      data.signups.forEach(function (s) {
        var li = el('li');
        var label = el('label');
        var check = el('input');
        check.type = 'checkbox';
        check.checked = s.attended === true;
        check.value = s.phone;
        check.disabled = s.status !== 'seated';
        label.appendChild(check);
        label.appendChild(document.createTextNode((s.status === 'seated' ? s.seat + '号 ' : '候补' + s.position + ' ') + s.phone));
        li.appendChild(label);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      box.appendChild(button('保存到场', function () {
        var marks = Array.prototype.map.call(ul.querySelectorAll('input:not([disabled])'), function (c) { return { phone: c.value, attended: c.checked }; });
        if (!marks.length) { showError('还没有有座位的人。'); return; }
        api('POST', '/api/v1/trainings/' + t.id + '/attendance', { attendance: marks })
          .then(function () { loadTrainings(); })
          .catch(function (err) { showError(err.message); });
      }));
      card.appendChild(box);
    }).catch(function (err) { showError(err.message); });
  }
  $('training-form').addEventListener('submit', function (e) {
    e.preventDefault();
    showError('');
    var time = $('training-time').value; // yyyy-mm-ddThh:mm, read as China time
    api('POST', '/api/v1/trainings', {
      topic: $('training-topic').value, place: $('training-place').value, county: $('training-county').value,
      startsAt: time ? time + ':00+08:00' : '', capacity: Number($('training-capacity').value),
    }).then(function () {
      $('training-topic').value = '';
      $('training-place').value = '';
      loadTrainings();
    }).catch(function (err) { showError(err.message); });
  });

  // ---------- the dialog ----------
  function tab(which) {
    var orders = which === 'orders';
    $('tab-orders').setAttribute('aria-selected', String(orders));
    $('tab-trainings').setAttribute('aria-selected', String(!orders));
    $('panel-orders').hidden = !orders;
    $('panel-trainings').hidden = orders;
    showError('');
    if (orders) loadOrders(); else loadTrainings();
  }
  $('tab-orders').addEventListener('click', function () { tab('orders'); });
  $('tab-trainings').addEventListener('click', function () { tab('trainings'); });
  $('orders-status').addEventListener('change', loadOrders);
  $('services-open').addEventListener('click', function () {
    var d = $('services');
    if (d.showModal) d.showModal(); else d.setAttribute('open', '');
    api('GET', '/api/v1/auth/me').then(function (me) {
      if (!$('training-county').value && me.counties && me.counties[0]) $('training-county').value = me.counties[0];
    }).catch(function () { /* the lists say what is wrong */ });
    tab('orders');
  });
  $('services-close').addEventListener('click', function () {
    var d = $('services');
    if (d.close) d.close(); else d.removeAttribute('open');
  });
})();
