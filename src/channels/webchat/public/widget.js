/* 益农助手 widget: one script tag puts the chat on another site (a county bureau's page, a produce mall).
 *
 *   <script src="https://助手的地址/widget.js" data-title="益农助手" data-label="问农事"
 *           data-color="#0b6b3a" data-position="right" data-open="false" async></script>
 *
 * The button lives in a shadow root and the chat in an iframe from the assistant's own origin, so
 * neither the host page's styles nor its scripts reach in. The iframe is made on the first click only.
 * The host site must be listed in the assistant's WEBCHAT_ALLOWED_ORIGINS, or the browser refuses the frame. */
/* global URL */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__yinongWidget) return;
  window.__yinongWidget = true;

  var d = script.dataset;
  var base = new URL(script.src, document.baseURI).origin;
  var title = (d.title || '益农助手').slice(0, 20);
  var label = (d.label || '问农事').slice(0, 8);
  var color = /^#[0-9a-fA-F]{3,8}$/.test(d.color || '') ? d.color : '#0b6b3a';
  var side = d.position === 'left' ? 'left' : 'right';

  var host = document.createElement('div');
  host.setAttribute('data-yinong-widget', '');
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var style = document.createElement('style');
  style.textContent =
    ':host{all:initial}' +
    '.fab{position:fixed;bottom:16px;' + side + ':16px;z-index:2147483646;min-width:56px;min-height:56px;padding:0 18px;' +
    'border:0;border-radius:28px;background:' + color + ';color:#fff;font:600 18px/1 system-ui,sans-serif;' +
    'box-shadow:0 4px 14px rgba(0,0,0,.3);cursor:pointer}' +
    '.fab:focus-visible,.close:focus-visible{outline:3px solid #d35400;outline-offset:2px}' +
    '.panel{position:fixed;bottom:84px;' + side + ':16px;z-index:2147483647;width:min(380px,calc(100vw - 32px));' +
    'height:min(640px,calc(100vh - 110px));border-radius:14px;overflow:hidden;background:#fff;' +
    'box-shadow:0 8px 30px rgba(0,0,0,.35);display:flex;flex-direction:column}' +
    '.panel[hidden]{display:none}' +
    '.bar{display:flex;align-items:center;justify-content:space-between;padding:0 4px 0 14px;background:' + color + ';' +
    'color:#fff;font:600 17px/1.2 system-ui,sans-serif}' +
    '.close{min-width:44px;min-height:44px;border:0;background:transparent;color:#fff;font:700 24px/1 system-ui,sans-serif;cursor:pointer}' +
    'iframe{flex:1;width:100%;border:0}' +
    '@media (max-width:480px){.panel{bottom:0;left:0;right:0;width:100vw;height:100vh;border-radius:0}}';
  var fab = document.createElement('button');
  fab.className = 'fab';
  fab.type = 'button';
  fab.textContent = label;
  fab.setAttribute('aria-label', '打开' + title);
  fab.setAttribute('aria-expanded', 'false');
  var panel = document.createElement('div');
  panel.className = 'panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', title);
  var bar = document.createElement('div');
  bar.className = 'bar';
  var name = document.createElement('span');
  name.textContent = title;
  var close = document.createElement('button');
  close.className = 'close';
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', '关闭' + title);
  bar.appendChild(name);
  bar.appendChild(close);
  panel.appendChild(bar);
  root.appendChild(style);
  root.appendChild(fab);
  root.appendChild(panel);

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = title;
      frame.src = base + '/?embed=1&title=' + encodeURIComponent(title);
      frame.setAttribute('allow', 'clipboard-write');
      panel.appendChild(frame);
    }
    panel.hidden = false;
    fab.setAttribute('aria-expanded', 'true');
    close.focus();
  }
  function shut() {
    panel.hidden = true;
    fab.setAttribute('aria-expanded', 'false');
    fab.focus();
  }
  fab.addEventListener('click', function () { if (panel.hidden) open(); else shut(); });
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') shut(); });

  function mount() {
    document.body.appendChild(host);
    if (d.open === 'true') open();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
