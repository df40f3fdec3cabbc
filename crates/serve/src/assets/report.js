/* The report page: the tables and prose as a form, checked as it is typed, saved into the
   report's files, with the checks, the generated files and the live preview beside it. */
'use strict';

(function () {
  var el = NB.el;
  var id = NB.param('r');
  var state = {
    version: 0,
    view: null,         // the last view from the server (what is on disk)
    base: {},           // file -> hash the page's values are based on
    dirty: { numbers: {}, prose: {}, meta: {} },
    inputs: {},         // number key -> input element
    cells: [],          // per table: "r,c" -> td
    grids: [],          // per table: "r,c" -> cell json
    textareas: {},      // prose key -> textarea
    metaInputs: {},     // agency / published -> input
    checking: false,
    checkAgain: false,
    typedAt: 0,
    previewVersion: -1, // the version the preview frame shows or loads
    previewLoaded: false,
  };
  // The page's own measures, read by the end-to-end test and the benchmark
  // (scripts/serve-e2e/bench.mjs): each typed → checked time (ms) and its parts (waiting
  // for the previous check, the request, drawing the result), the last keystroke checked
  // and typed (performance.now()), each change event and preview loaded ({version, at}), the last
  // save answered.
  window.__nb = { checks: [], parts: [], checked: 0, typed: 0, previews: [], events: [], savedAt: 0 };

  document.getElementById('home').href = NB.url('/');

  function isDirty() {
    var d = state.dirty;
    return Object.keys(d.numbers).length + Object.keys(d.prose).length + Object.keys(d.meta).length > 0;
  }

  function showSaveState(text) {
    var s = document.getElementById('savestate');
    if (text) {
      s.textContent = text;
      s.className = 'savestate';
    } else if (isDirty()) {
      s.textContent = '有未保存的修改';
      s.className = 'savestate unsaved';
    } else {
      s.textContent = '已保存';
      s.className = 'savestate';
    }
  }

  /* ---- numbers ---------------------------------------------------------------------- */

  function validNumber(input) {
    var v = input.value.trim();
    return input.dataset.decimal === 'true' ? /^\d+(\.\d+)?$/.test(v) : /^\d+$/.test(v);
  }

  function numberOf(t, pos, seen) {
    var cell = state.grids[t][pos];
    if (!cell) return 0;
    if (cell.key) {
      var input = state.inputs[cell.key];
      return validNumber(input) ? Number(input.value.trim()) : 0;
    }
    if (cell.sum) {
      return cell.sum.reduce(function (acc, rc) { return acc + numberOf(t, rc[0] + ',' + rc[1]); }, 0);
    }
    return 0;
  }

  /* Totals as the document defines them (each sum cell lists the cells it adds up). */
  function recomputeSums() {
    state.grids.forEach(function (grid, t) {
      Object.keys(grid).forEach(function (pos) {
        var cell = grid[pos];
        if (cell.sum) state.cells[t][pos].textContent = String(numberOf(t, pos));
      });
    });
  }

  function onNumber(ev) {
    var input = ev.target;
    var key = input.dataset.key;
    var td = input.parentNode;
    state.typedAt = performance.now();
    window.__nb.typed = state.typedAt;
    if (validNumber(input)) {
      td.classList.remove('invalid');
      td.title = '';
      state.dirty.numbers[key] = input.value.trim();
    } else {
      td.classList.add('invalid');
      td.title = input.dataset.decimal === 'true' ? '请填写不小于 0 的数（单位：万元）' : '请填写 0 或正整数（没有就填 0）';
      delete state.dirty.numbers[key];
    }
    input.classList.toggle('dirty', input.value !== input.defaultValue);
    recomputeSums();
    showSaveState();
    scheduleCheck(0);
  }

  /* ---- the form ---------------------------------------------------------------------- */

  function tableElement(t, table) {
    var grid = {};
    var cells = {};
    state.grids[t] = grid;
    state.cells[t] = cells;
    var total = table.weights.reduce(function (a, b) { return a + b; }, 0);
    var colgroup = el('colgroup', {}, table.weights.map(function (w) {
      return el('col', { style: 'width:' + (100 * w / total).toFixed(2) + '%' });
    }));
    var rows = [];
    for (var r = 0; r < table.rows; r++) rows.push(el('tr'));
    table.cells.forEach(function (c) {
      var pos = c.r + ',' + c.c;
      grid[pos] = c;
      var td;
      if (c.label !== undefined) {
        td = el('th', { class: c.header ? 'header' : null, text: c.label });
      } else if (c.key) {
        var input = el('input', {
          type: 'text', inputmode: c.decimal ? 'decimal' : 'numeric', autocomplete: 'off',
          'data-key': c.key, 'data-decimal': c.decimal ? 'true' : 'false', 'aria-label': c.key,
        });
        input.value = c.value;
        input.defaultValue = c.value;
        input.addEventListener('input', onNumber);
        state.inputs[c.key] = input;
        td = el('td', {}, [input]);
      } else {
        td = el('td', { class: 'sum', text: c.value, title: '自动计算' });
      }
      if (c.rs > 1) td.rowSpan = c.rs;
      if (c.cs > 1) td.colSpan = c.cs;
      td.dataset.pos = pos;
      cells[pos] = td;
      rows[c.r].appendChild(td);
    });
    var tableEl = el('table', { class: 'official' }, [el('caption', { text: table.name })].concat([colgroup], rows));
    return el('div', { class: 'table-block' }, [
      el('div', { class: 'table-wrap' }, [tableEl]),
      el('ul', { class: 'issues', id: 'issues-' + t }),
    ]);
  }

  function proseElement(p) {
    var ta = el('textarea', { id: 'prose-' + p.key, 'data-key': p.key, spellcheck: 'false' });
    ta.value = p.text;
    ta.addEventListener('input', function () {
      state.dirty.prose[p.key] = ta.value;
      ta.classList.add('dirty');
      autosize(ta);
      showSaveState();
      scheduleCheck(300);
    });
    state.textareas[p.key] = ta;
    var label = el('label', { for: ta.id }, [
      (p.required ? '' : '（可选）') + p.name,
      el('span', { class: 'about', text: p.about + ' · ' + p.file + (p.exists ? '' : '（保存时新建）') + ' · 每行一段' }),
    ]);
    return el('section', { class: 'part prose' }, [label, ta]);
  }

  function autosize(ta) {
    ta.style.height = 'auto';
    ta.style.height = Math.min(Math.max(ta.scrollHeight + 4, 90), 600) + 'px';
  }

  function metaElement(meta) {
    var agency = el('input', { id: 'meta-agency', 'data-field': 'agency' });
    agency.value = meta.agency;
    var published = el('input', { id: 'meta-published', type: 'date', 'data-field': 'published' });
    published.value = meta.published || '';
    [agency, published].forEach(function (input) {
      input.defaultValue = input.value;
      input.addEventListener('input', function () {
        state.dirty.meta[input.dataset.field] = input.value;
        input.classList.add('dirty');
        showSaveState();
        scheduleCheck(300);
      });
      state.metaInputs[input.dataset.field] = input;
    });
    return el('div', { class: 'meta-grid' }, [
      el('span', { text: '机关全称' }), agency,
      el('span', { text: '年度 · 类型' }), el('span', { text: meta.year + ' 年 · ' + meta.kind_name }),
      el('span', { text: '发布日期' }), el('span', {}, [published, ' ', el('span', { class: 'muted', id: 'deadline', text: meta.deadline.text })]),
    ]);
  }

  function buildForm(view) {
    var editor = document.getElementById('editor');
    editor.textContent = '';
    state.inputs = {};
    state.textareas = {};
    state.metaInputs = {};
    state.cells = [];
    state.grids = [];
    if (!view.meta) {
      editor.appendChild(el('p', { class: 'card', text: 'report.toml 无法读取，表格和文字暂时不能编辑。请按右侧的检查结果在编辑器中改正 report.toml，保存后本页自动更新。' }));
      return;
    }
    editor.appendChild(el('h2', { class: 'section', text: '基本信息' }));
    editor.appendChild(metaElement(view.meta));
    view.prose.filter(function (p) { return p.section === null; }).forEach(function (p) {
      editor.appendChild(proseElement(p));
    });
    view.sections.forEach(function (heading, i) {
      editor.appendChild(el('h2', { class: 'section', text: heading }));
      view.prose.filter(function (p) { return p.section === i; }).forEach(function (p) {
        editor.appendChild(proseElement(p));
      });
      view.tables.forEach(function (t, ti) {
        if (t.section === i) editor.appendChild(tableElement(ti, t));
      });
    });
    Object.keys(state.textareas).forEach(function (k) { autosize(state.textareas[k]); });
  }

  /* Puts the disk's values into the fields the person has not changed. */
  function refreshValues(view) {
    if (!view.meta) return;
    view.tables.forEach(function (t) {
      t.cells.forEach(function (c) {
        var input = c.key && state.inputs[c.key];
        if (input && !(c.key in state.dirty.numbers) && !input.parentNode.classList.contains('invalid')) {
          input.value = c.value;
          input.defaultValue = c.value;
          input.classList.remove('dirty');
        }
      });
    });
    view.prose.forEach(function (p) {
      var ta = state.textareas[p.key];
      if (ta && !(p.key in state.dirty.prose) && ta.value !== p.text) {
        ta.value = p.text;
        autosize(ta);
      }
    });
    ['agency', 'published'].forEach(function (f) {
      var input = state.metaInputs[f];
      if (input && !(f in state.dirty.meta)) {
        input.value = view.meta[f] || '';
        input.classList.remove('dirty');
      }
    });
    var dl = document.getElementById('deadline');
    if (dl) dl.textContent = view.meta.deadline.text;
  }

  /* ---- checks ------------------------------------------------------------------------ */

  function place(d) {
    if (!d.place) return '';
    return d.place.file + ' 第 ' + d.place.line + ' 行';
  }

  function focusTarget(d) {
    var t = d.target;
    if (!t) return;
    if (t.cells && t.cells.length) {
      var input = state.inputs[t.cells[0]];
      if (input) {
        input.scrollIntoView({ block: 'center' });
        input.focus();
        input.select();
      }
    } else if (t.prose) {
      var ta = state.textareas[t.prose];
      if (ta) {
        ta.scrollIntoView({ block: 'center' });
        ta.focus();
        ta.setSelectionRange(t.from, t.to);
      }
    } else if (t.field) {
      var m = state.metaInputs[t.field];
      if (m) {
        m.scrollIntoView({ block: 'center' });
        m.focus();
      }
    }
  }

  function sevText(s) {
    return s === 'error' ? '错误' : s === 'warning' ? '警告' : '说明';
  }

  /* Shows a view's diagnostics: the panel, the cells they point at, the cells of each failing
     table check, and (from a check of unsaved edits) the totals. */
  function showChecks(view) {
    var counts = view.counts;
    var status = document.getElementById('status');
    status.textContent = counts.errors ? counts.errors + ' 个错误' : counts.warnings ? '没有错误' : '检查通过';
    status.className = 'status ' + (counts.errors ? 'err' : counts.warnings ? 'warn' : 'ok');
    document.getElementById('counts').textContent = counts.errors + ' 个错误，' + counts.warnings + ' 个警告';
    var panel = document.getElementById('diagnostics');
    panel.textContent = '';
    if (view.diagnostics.length === 0) {
      panel.appendChild(el('div', { class: 'none', text: '没有发现问题。' }));
    }
    var list = el('ol');
    view.diagnostics.forEach(function (d, i) {
      list.appendChild(el('li', { class: d.severity, 'data-id': d.id, 'data-index': String(i), onclick: function () { focusTarget(d); } }, [
        el('span', { class: 'sev', text: sevText(d.severity) }),
        d.message,
        el('span', { class: 'id', text: d.id }),
        d.hints.length ? el('span', { class: 'hint', text: '提示：' + d.hints.join('；') }) : null,
        el('span', { class: 'where', text: place(d) }),
      ]));
    });
    panel.appendChild(list);

    // Cells.
    state.cells.forEach(function (cells) {
      Object.keys(cells).forEach(function (pos) {
        var td = cells[pos];
        td.classList.remove('bad', 'warn', 'involved');
        if (!td.classList.contains('invalid')) td.removeAttribute('title');
        if (td.classList.contains('sum')) td.title = '自动计算';
        delete td.dataset.message;
      });
    });
    var byKey = {};
    state.grids.forEach(function (grid, t) {
      Object.keys(grid).forEach(function (pos) {
        if (grid[pos].key) byKey[grid[pos].key] = { t: t, pos: pos };
      });
    });
    var issues = state.cells.map(function () { return []; });
    function mark(t, pos, cls, message) {
      var td = state.cells[t] && state.cells[t][pos];
      if (!td) return;
      td.classList.add(cls);
      td.title = td.dataset.message ? td.dataset.message + '\n' + message : message;
      td.dataset.message = td.title;
    }
    view.diagnostics.forEach(function (d) {
      var cells = d.target && d.target.cells;
      if (!cells) return;
      var t = null;
      // A diagnostic about one cell marks it; one about a whole row (a 总计 column that does
      // not balance) marks the row's cells as involved, its failing check marks the totals.
      var cls = cells.length > 1 ? 'involved' : d.severity === 'error' ? 'bad' : 'warn';
      cells.forEach(function (k) {
        var at = byKey[k];
        if (!at) return;
        t = at.t;
        mark(at.t, at.pos, cls, d.message);
      });
      if (t !== null) issues[t].push(d);
    });
    view.tables.forEach(function (table, t) {
      table.checks.forEach(function (c) {
        var d = c.diagnostic === null ? null : view.diagnostics[c.diagnostic];
        c.cells.forEach(function (rc) {
          mark(t, rc[0] + ',' + rc[1], 'involved', d ? d.message : c.description);
        });
      });
    });
    issues.forEach(function (ds, t) {
      var ul = document.getElementById('issues-' + t);
      if (!ul) return;
      ul.textContent = '';
      ds.forEach(function (d) {
        ul.appendChild(el('li', { class: d.severity, onclick: function () { focusTarget(d); }, text: d.message + (d.hints.length ? '（' + d.hints[0] + '）' : '') }));
      });
    });
    // Prose and meta fields with problems.
    Object.keys(state.textareas).forEach(function (k) { state.textareas[k].classList.remove('bad'); });
    Object.keys(state.metaInputs).forEach(function (k) { state.metaInputs[k].classList.remove('bad'); });
    view.diagnostics.forEach(function (d) {
      if (d.severity !== 'error' || !d.target) return;
      if (d.target.prose && state.textareas[d.target.prose]) state.textareas[d.target.prose].classList.add('bad');
      if (d.target.field && state.metaInputs[d.target.field]) state.metaInputs[d.target.field].classList.add('bad');
    });
    // Totals from the server agree with the page's by construction; take them anyway.
    view.tables.forEach(function (table, t) {
      table.cells.forEach(function (c) {
        if (c.sum && state.cells[t]) state.cells[t][c.r + ',' + c.c].textContent = c.value;
      });
    });
  }

  function edits() {
    return {
      r: id,
      numbers: state.dirty.numbers,
      prose: state.dirty.prose,
      meta: state.dirty.meta,
      base: state.base,
    };
  }

  var checkTimer = null;
  function scheduleCheck(delay) {
    clearTimeout(checkTimer);
    // A number is checked at once, not through a timer: after an input event Chromium runs
    // timers only after the next frame (16 ms measured), a third of the 50 ms budget.
    if (delay === 0) runCheck();
    else checkTimer = setTimeout(runCheck, delay);
  }

  /* Checks the unsaved edits; one request at a time, the last edit always checked. */
  async function runCheck() {
    if (state.checking) {
      state.checkAgain = true;
      return;
    }
    state.checking = true;
    var typed = state.typedAt;
    try {
      var asked = performance.now();
      var view = isDirty() ? await NB.api('POST', '/api/check', null, edits()) : state.view;
      var answered = performance.now();
      showChecks(view);
      if (typed) {
        var drawn = performance.now();
        window.__nb.checks.push(drawn - typed);
        window.__nb.parts.push({ queued: asked - typed, request: answered - asked, drawn: drawn - answered });
        window.__nb.checked = typed;
      }
    } catch (e) {
      NB.banner(e.message);
    }
    state.checking = false;
    if (state.checkAgain) {
      state.checkAgain = false;
      runCheck();
    }
  }

  /* ---- loading, saving, live updates --------------------------------------------------- */

  /* Records a refreshed preview once it is drawn (the frame after the change). */
  function previewShown(version) {
    requestAnimationFrame(function () {
      setTimeout(function () { window.__nb.previews.push({ version: version, at: performance.now() }); }, 0);
    });
  }

  /* Shows the preview of `version`. The first time the frame loads it; after that the new page
     is fetched and put in place of the old one's content, keeping the scroll position: a
     frame's navigation took 70–110 ms in Chromium, the fetch and the swap ~15 ms. The frame is
     sandboxed without scripts and keeps the first load's CSP. */
  async function showPreview(version) {
    if (version === state.previewVersion) return;
    state.previewVersion = version;
    var frame = document.getElementById('preview');
    var src = NB.url('/api/preview', { r: id, v: String(version) });
    var doc = state.previewLoaded && frame.contentDocument;
    if (doc && doc.documentElement) {
      try {
        var res = await fetch(src);
        if (!res.ok) throw new Error(String(res.status));
        var html = await res.text();
        if (version !== state.previewVersion) return; // a newer one is on its way
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        var y = frame.contentWindow.scrollY;
        doc.replaceChild(doc.adoptNode(fresh.documentElement), doc.documentElement);
        frame.contentWindow.scrollTo(0, y);
        previewShown(version);
        return;
      } catch (e) { /* loaded as a page below */ }
    }
    frame.onload = function () {
      state.previewLoaded = true;
      previewShown(version);
    };
    frame.src = src;
  }

  async function load(first) {
    var res;
    try {
      res = await NB.api('GET', '/api/report', { r: id });
    } catch (e) {
      NB.banner(e.message);
      return;
    }
    var view = res.view;
    state.version = res.version;
    state.view = view;
    document.title = (view.meta ? view.meta.title : view.id) + ' · nianbao';
    document.getElementById('title').textContent = view.meta ? view.meta.title : view.id;
    var shape = JSON.stringify(view.tables.map(function (t) { return t.cells.length; })) + !!view.meta;
    if (first || shape !== state.shape) {
      state.shape = shape;
      buildForm(view);
    } else {
      refreshValues(view);
    }
    if (!isDirty()) {
      state.base = view.files;
      showChecks(view);
    } else {
      // Files changed on disk while the page has unsaved edits: check the edits against them;
      // the save will say which files changed. Said at once, unless a conflict is shown.
      scheduleCheck(0);
      var changed = Object.keys(view.files).filter(function (f) { return state.base[f] !== undefined && state.base[f] !== view.files[f]; });
      var bar = document.getElementById('banner');
      if (changed.length && (bar.hidden || bar.classList.contains('outside'))) {
        NB.banner(changed.join('、') + ' 已被其他程序修改：您没改过的内容已按新版本更新，您的修改还没有保存。', 'info').classList.add('outside');
      }
    }
    showPreview(res.version);
    document.body.dataset.version = String(res.version);
  }

  async function save(force) {
    if (!isDirty()) {
      showSaveState('没有要保存的修改');
      return;
    }
    var invalid = document.querySelectorAll('td.invalid');
    if (invalid.length) {
      NB.banner('有 ' + invalid.length + ' 个格子的数字无效（虚线框），改正后再保存');
      return;
    }
    var body = edits();
    body.force = !!force;
    var sent = JSON.parse(JSON.stringify(state.dirty));
    try {
      var res = await NB.api('POST', '/api/save', null, body);
      // Only what was sent is saved; what was typed meanwhile stays unsaved.
      ['numbers', 'prose', 'meta'].forEach(function (kind) {
        Object.keys(sent[kind]).forEach(function (k) {
          if (state.dirty[kind][k] === sent[kind][k]) delete state.dirty[kind][k];
        });
      });
      Object.keys(res.saved).forEach(function (f) { state.base[f] = res.saved[f]; });
      document.querySelectorAll('.dirty').forEach(function (e) {
        var key = e.dataset.key || e.dataset.field;
        if (!(key in state.dirty.numbers) && !(key in state.dirty.prose) && !(key in state.dirty.meta)) {
          e.classList.remove('dirty');
          if (e.tagName === 'INPUT') e.defaultValue = e.value;
        }
      });
      NB.banner('');
      showSaveState('已保存');
      window.__nb.savedAt = performance.now();
    } catch (e) {
      if (e.status === 409 && e.data) {
        showConflict(e.data);
      } else {
        NB.banner(e.message);
      }
    }
  }

  /* The unsaved edits a conflict lists: numbers with their value, each prose part's text in a
     read-only box to copy from. */
  function unsavedList(items) {
    return el('ul', { class: 'unsaved' }, (items || []).map(function (u) {
      if (u.prose) {
        var ta = el('textarea', { readonly: true, rows: '3', 'data-unsaved': u.prose, spellcheck: 'false' });
        ta.value = u.value;
        return el('li', {}, [u.what + '：', ta]);
      }
      return el('li', {}, [u.what + '：' + (u.value === '' ? '（空）' : u.value)]);
    }));
  }

  /* Another editor saved a file the page would write: nothing was written. The clerk sees which
     file, what of theirs is unsaved, and chooses: write their edits onto the other version, or
     load the other version (their edits stay listed to copy from). */
  function showConflict(data) {
    var files = data.conflict || [];
    var bar = NB.banner(data.error + '。', 'error');
    bar.classList.add('conflict');
    bar.appendChild(el('p', { text: '您在本页的修改还在，没有丢失：' }));
    bar.appendChild(unsavedList(data.unsaved));
    var what = files.map(function (f) {
      return f === 'report.toml'
        ? 'report.toml 只写入您改过的数字和信息，其他程序的其他修改保留'
        : f + ' 以您在本页的文字为准，其他程序写入的文字被替换';
    }).join('；');
    bar.appendChild(el('p', { class: 'actions' }, [
      el('button', { id: 'conflict-keep', text: '保存我的修改', onclick: function () { save(true); } }),
      el('span', { class: 'muted', text: '（' + what + '）' }),
    ]));
    bar.appendChild(el('p', { class: 'actions' }, [
      el('button', { id: 'conflict-load', text: '载入其他程序保存的版本', onclick: function () { discard(data.unsaved); } }),
      el('span', { class: 'muted', text: '（放弃本页的修改；放弃的内容仍列在这里，可复制后重新填写）' }),
    ]));
  }

  async function discard(unsaved) {
    state.dirty = { numbers: {}, prose: {}, meta: {} };
    NB.banner('');
    await load(true);
    showSaveState();
    if (unsaved && unsaved.length) {
      var bar = NB.banner('已载入其他程序保存的版本。您放弃的修改（可复制后重新填写）：', 'info');
      bar.classList.add('conflict');
      bar.appendChild(unsavedList(unsaved));
      bar.appendChild(el('button', { text: '关闭', onclick: function () { NB.banner(''); } }));
    }
  }

  function listFiles(box, files) {
    var ul = el('ul');
    files.forEach(function (f) {
      if (!f.name) return;
      ul.appendChild(el('li', {}, [
        el('a', { href: NB.url('/api/download', { r: id, f: f.name }), download: f.name, text: f.name }),
        ' ' + NB.size(f.size) + (f.status === 'unchanged' ? '（未变化）' : f.status === 'failed' ? '（失败：' + f.message + '）' : ''),
      ]));
    });
    box.appendChild(ul);
  }

  async function build(draft) {
    var box = document.getElementById('files');
    box.hidden = false;
    box.textContent = '正在生成……';
    if (isDirty()) await save(false);
    try {
      var res = await NB.api('POST', '/api/build', null, { r: id, draft: !!draft });
      box.textContent = '';
      if (res.refused) {
        box.appendChild(el('p', { class: 'late', text: res.refused.replace('（加 --draft 可生成草稿）', '') }));
        if (res.errors > 0 && !draft) {
          box.appendChild(el('button', { text: '仍然生成草稿（文件标有“草稿”）', onclick: function () { build(true); } }));
        }
      } else {
        box.appendChild(el('p', { text: (res.draft ? '已生成草稿' : '已生成') + '（用时 ' + res.elapsed_ms.toFixed(0) + ' 毫秒）：' }));
        listFiles(box, res.files);
      }
      box.appendChild(el('p', { class: 'muted' }, ['输出文件夹：', el('span', { class: 'path', id: 'outdir', text: res.out_dir })]));
    } catch (e) {
      box.textContent = e.message;
    }
  }

  async function showOutputs() {
    try {
      var res = await NB.api('GET', '/api/outputs', { r: id });
      if (!res.files.length) return;
      var box = document.getElementById('files');
      box.hidden = false;
      box.textContent = '';
      box.appendChild(el('p', { text: '上次生成的文件：' }));
      listFiles(box, res.files);
      box.appendChild(el('p', { class: 'muted' }, ['输出文件夹：', el('span', { class: 'path', text: res.out_dir })]));
    } catch (e) { /* shown by load */ }
  }

  document.getElementById('save').addEventListener('click', function () { save(false); });
  document.getElementById('build').addEventListener('click', function () { build(false); });
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === 's') {
      e.preventDefault();
      save(false);
    }
  });
  window.addEventListener('beforeunload', function (e) {
    if (isDirty()) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  if (!id) {
    NB.banner('没有指明报告');
    return;
  }
  load(true).then(function () {
    showSaveState();
    showOutputs();
    var events = new EventSource(NB.url('/api/events', { r: id, v: String(state.version) }));
    events.addEventListener('change', function (e) {
      window.__nb.events.push(performance.now());
      // The preview is asked for at once, beside the view (not after it): one round trip
      // less between a save and the refreshed preview.
      if (Number(e.data) > state.version) {
        showPreview(Number(e.data));
        load(false);
      }
    });
  });
})();
