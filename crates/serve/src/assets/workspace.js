/* The workspace page: every report with its status. */
'use strict';

(async function () {
  var el = NB.el;
  document.getElementById('home').href = NB.url('/');
  document.getElementById('new').href = NB.url('/new');
  var data;
  try {
    data = await NB.api('GET', '/api/workspace');
  } catch (e) {
    NB.banner(e.message);
    return;
  }
  document.getElementById('root').textContent = data.root;
  var body = document.querySelector('#reports tbody');
  if (data.reports.length === 0) {
    document.getElementById('empty').hidden = false;
  }
  data.reports.forEach(function (r) {
    var m = r.meta;
    var status = r.errors > 0
      ? el('span', { class: 'status err', text: r.errors + ' 个错误，' + r.warnings + ' 个警告' })
      : r.warnings > 0
        ? el('span', { class: 'status warn', text: '没有错误，' + r.warnings + ' 个警告' })
        : el('span', { class: 'status ok', text: '检查通过' });
    var link = el('a', { href: NB.url('/report', { r: r.id }), text: m ? m.title : '（report.toml 无法读取）' });
    body.appendChild(el('tr', {}, [
      el('td', {}, [link]),
      el('td', { class: 'num', text: m ? String(m.year) : '' }),
      el('td', { text: m ? m.kind_name : '' }),
      el('td', {}, [status]),
      el('td', { class: m && m.deadline.late ? 'late' : '', text: m ? m.deadline.text : '' }),
      el('td', { class: 'path', text: r.id }),
    ]));
  });
})();
