/* nianbao serve: shared by every page. ES2017, no modules, no build step. */
'use strict';

var NB = (function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('t') || sessionStorage.getItem('nianbao-token') || '';
  if (params.get('t')) {
    sessionStorage.setItem('nianbao-token', token);
  }

  /* A URL of this server with the token (links, frames, event streams). */
  function url(path, query) {
    var q = new URLSearchParams(Object.assign({}, query || {}, { t: token }));
    return path + '?' + q.toString();
  }

  /* A JSON request; throws an Error with the server's Chinese message. */
  async function api(method, path, query, body) {
    var opts = { method: method, headers: { 'X-Nianbao-Token': token } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    var q = query ? '?' + new URLSearchParams(query).toString() : '';
    var res;
    try {
      res = await fetch(path + q, opts);
    } catch (e) {
      var gone = new Error('无法连接 nianbao：请确认 nianbao serve 仍在运行（控制台窗口没有关闭）');
      gone.status = 0;
      throw gone;
    }
    var data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      var err = new Error((data && data.error) || '请求失败（' + res.status + '）');
      err.status = res.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  /* el('div', {class: 'x', onclick: f}, [children or text]) */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  /* A message bar at the top of the page. */
  function banner(text, kind) {
    var bar = document.getElementById('banner');
    bar.textContent = '';
    if (!text) {
      bar.hidden = true;
      return bar;
    }
    bar.hidden = false;
    bar.className = 'banner ' + (kind || 'error');
    bar.appendChild(document.createTextNode(text));
    return bar;
  }

  function size(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.ceil(n / 1024)) + ' KB';
  }

  return { token: token, url: url, api: api, el: el, banner: banner, size: size, param: function (n) { return params.get(n); } };
})();
