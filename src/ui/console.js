/* global fetch, Node, setTimeout, clearTimeout */
// What the two consoles' pages share, the administrators' (/admin) and the experts' (/expert): served to both
// as one ES module at /ui/console.js (src/routes/console-files.ts). Plain browser JavaScript, no build step;
// text from the server is only ever set as text.

/** Jining's counties, in the bureau's order. */
export const COUNTIES = ['任城区', '兖州区', '微山县', '鱼台县', '金乡县', '嘉祥县', '汶上县', '泗水县', '梁山县', '曲阜市', '邹城市'];
/** The experts' specialties, which are also the tickets' categories. */
export const SPECIALTIES = ['粮食作物', '经济作物', '蔬菜', '果树', '植保', '土肥', '畜牧', '兽医', '水产', '农机', '政策', '市场'];

export const $ = (id) => document.getElementById(id);

/** An element with attributes (`on…` are listeners; false, null and undefined are left out) and text or node children. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** A function that shows a line in the page's #toast for `ms`, a newer line replacing the one shown. */
export function makeToast(ms) {
  let timer;
  return function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => { t.hidden = true; }, ms);
  };
}

/**
 * The console's way to the API: the signed-in token as a bearer, JSON in and out (or `raw` with its `type`,
 * an uploaded file), and the API's one error shape turned into an Error with its Chinese message (`data`
 * holds the whole answer). A 401 outside the login signs the page out; a 403 password_change_required
 * calls `passwordChangeRequired` where the page has one.
 */
export function consoleApi({ token, signedOut, passwordChangeRequired }) {
  return async function api(path, opts) {
    const o = opts || {};
    const headers = {};
    if (token()) headers.authorization = `Bearer ${token()}`;
    let body = o.body;
    if (o.raw !== undefined) { headers['content-type'] = o.type || 'text/csv'; body = o.raw; }
    else if (body !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(body); }
    const res = await fetch(path, { method: o.method || 'GET', headers, body });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (res.status === 401 && !path.startsWith('/api/v1/auth/login')) { signedOut('登录已过期，请重新登录'); throw new Error('登录已过期'); }
    if (passwordChangeRequired && res.status === 403 && data && data.error && data.error.code === 'password_change_required') {
      passwordChangeRequired();
      throw new Error(data.error.message);
    }
    if (!res.ok) {
      const err = new Error((data && data.error && data.error.message) || `请求失败（${res.status}）`);
      err.data = data;
      throw err;
    }
    return data;
  };
}
