/* The new-report form. */
'use strict';

(async function () {
  var el = NB.el;
  document.getElementById('home').href = NB.url('/');
  document.getElementById('cancel').href = NB.url('/');
  var data;
  try {
    data = await NB.api('GET', '/api/workspace');
  } catch (e) {
    NB.banner(e.message);
    return;
  }
  var from = document.getElementById('from');
  data.sources.forEach(function (s) {
    from.appendChild(el('option', { value: s.value, text: s.label }));
  });
  var kind = document.getElementById('kind');
  data.kinds.forEach(function (k) {
    kind.appendChild(el('option', { value: k.value, text: k.label }));
  });
  var year = document.getElementById('year');
  year.value = String(Number(data.today.slice(0, 4)) - 1);
  var agency = document.getElementById('agency');
  var folder = document.getElementById('folder');
  var folderTouched = false;
  folder.addEventListener('input', function () { folderTouched = true; });
  function suggest() {
    var name = agency.value.trim() || agency.placeholder;
    if (!folderTouched && name) folder.value = name + '-' + year.value;
  }
  agency.addEventListener('input', suggest);
  year.addEventListener('input', suggest);
  from.addEventListener('change', function () {
    document.getElementById('agency-hint').textContent = from.value
      ? '（可不填：沿用上年度的机关全称；年度默认为上年度加一，类型沿用上年度）'
      : '（例如：某某县人民政府办公室）';
    // A report of the workspace: its agency and the next year as the defaults.
    var src = data.sources.filter(function (s) { return s.value === from.value; })[0];
    agency.placeholder = src && src.agency ? src.agency : '';
    if (src && src.year) year.value = String(src.year + 1);
    suggest();
  });
  document.getElementById('form').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    var button = document.getElementById('create');
    button.disabled = true;
    var form = {
      folder: folder.value.trim(),
      agency: agency.value.trim(),
      year: year.value ? Number(year.value) : null,
      kind: kind.value,
      from: from.value,
    };
    if (from.value && !kind.dataset.touched) {
      // With last year's report, the kind is taken from it unless chosen here.
      form.kind = '';
    }
    if (!form.folder) {
      NB.banner('请填写文件夹名');
      button.disabled = false;
      return;
    }
    try {
      var res = await NB.api('POST', '/api/new', null, form);
      location.href = NB.url('/report', { r: res.id });
    } catch (e) {
      NB.banner(e.message);
      button.disabled = false;
    }
  });
  kind.addEventListener('change', function () { kind.dataset.touched = '1'; });
})();
