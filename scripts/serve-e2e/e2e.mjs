// End-to-end test of `nianbao serve` in Debian Chromium, driven by playwright-core
// (scripts/serve-e2e.sh runs it): a clerk's session from the workspace page to a downloaded PDF,
// plus the refusals of the security edge. Screenshots of every page go to $SHOTS.
//
// usage: node e2e.mjs NIANBAO_BINARY WORKSPACE SHOTS_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser } from './harness.mjs';

const [bin, ws, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

// The server, on a free port, without opening a browser.
const { server, url, origin, port, token } = await startServer(bin, ws);
console.log(`serving ${ws} at ${origin}`);

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && r.url() !== 'about:blank') outside.push(r.url()); });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  // 1. The workspace page: the two demo reports with their status.
  await page.goto(url);
  await page.waitForSelector('#reports tbody tr');
  const rows = await page.$$eval('#reports tbody tr', (trs) => trs.map((tr) => tr.innerText));
  check(rows.length === 2 && rows.some((r) => r.includes('检查通过')), `workspace lists 2 reports: ${JSON.stringify(rows)}`);
  await page.screenshot({ path: join(shots, '1-workspace.png'), fullPage: true });

  // 2. New report from last year's (demo-county-2024 → 2025).
  await page.click('#new');
  await page.waitForSelector('#from option[value="demo-county-2024"]', { state: 'attached' });
  await page.selectOption('#from', 'demo-county-2024');
  check(await page.inputValue('#year') === '2025', 'year defaults to last year + 1');
  await page.fill('#folder', '青禾县测试局-2025');
  await page.fill('#agency', '青禾县测试局');
  await page.screenshot({ path: join(shots, '2-new.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/report\?/), page.click('#create')]);
  await page.waitForSelector('table.official input[data-key="applications.new.natural"]');
  check(readFileSync(join(ws, '青禾县测试局-2025', 'report.toml'), 'utf8').includes('青禾县测试局'), 'report.toml written with the agency');
  await page.screenshot({ path: join(shots, '3-report-new.png'), fullPage: true });

  // 3. A planted imbalance in 表三: 本年新收 of 自然人 is typed, nothing else.
  const cell = 'input[data-key="applications.new.natural"]';
  const before = Number(await page.inputValue(cell));
  const typedStart = Date.now();
  await page.fill(cell, String(before + 7));
  await page.waitForFunction((sel) => document.querySelector(sel).closest('table').querySelector('td.bad'), cell, { timeout: 5000 });
  const checkMs = Date.now() - typedStart;
  const bad = await page.$$eval('td.bad input', (is) => is.map((i) => i.dataset.key));
  check(bad.length === 1 && bad[0] === 'applications.carried_forward.natural', `the imbalance marks 结转下年度 of 自然人 (${bad.join(', ')}), ${checkMs} ms after typing`);
  const title = await page.$eval('td.bad', (td) => td.title);
  check(title.includes('一+二') && title.includes('“自然人”列'), `the cell says why in Chinese: ${title}`);
  const panel = await page.innerText('#diagnostics');
  check(panel.includes('E-T3-BALANCE'), 'the diagnostics panel lists E-T3-BALANCE');
  // The total of 一 in the 总计 column is recomputed as typed.
  const totals = await page.$$eval('table.official td.sum', (tds) => tds.map((t) => t.textContent));
  check(totals.length > 0, `computed totals shown (${totals.length} cells)`);
  await page.locator('td.bad').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '4-report-imbalance.png') });
  // Clicking the diagnostic focuses its cell.
  await page.locator('#diagnostics li[data-id="E-T3-BALANCE"]', { hasText: '“自然人”列' }).click();
  check(await page.evaluate(() => document.activeElement && document.activeElement.dataset.key === 'applications.carried_forward.natural'), 'clicking the diagnostic focuses the cell');

  const pageCheckMs = await page.evaluate(() => window.__nb.checks.slice(-1)[0]);
  console.log(`     the page's own measure, typed → cell marked: ${pageCheckMs.toFixed(0)} ms`);

  // 4. Fixed: 结转下年度 takes the 7.
  const fwd = 'input[data-key="applications.carried_forward.natural"]';
  await page.fill(fwd, String(Number(await page.inputValue(fwd)) + 7));
  await page.waitForFunction(() => !document.querySelector('table.official td.bad'), null, { timeout: 5000 });
  check(!(await page.innerText('#diagnostics')).includes('E-T3-BALANCE'), 'the error is gone once balanced');

  // 5. Prose: the overview, one line per paragraph.
  const prose = '本机关认真贯彻落实《中华人民共和国政府信息公开条例》，测试段落一。\n测试段落二：全年主动公开政府信息。';
  await page.fill('#prose-overview', prose);
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('savestate').textContent === '已保存', null, { timeout: 5000 });
  const saved = readFileSync(join(ws, '青禾县测试局-2025', 'overview.md'), 'utf8');
  check(saved.includes('测试段落二'), 'the prose is saved into overview.md');
  const toml = readFileSync(join(ws, '青禾县测试局-2025', 'report.toml'), 'utf8');
  check(toml.includes(String(before + 7)), 'the numbers are saved into report.toml');
  // The preview (issue 12's HTML) follows the save.
  await page.waitForFunction(() => {
    const f = document.getElementById('preview');
    return f.contentDocument && f.contentDocument.body && f.contentDocument.body.innerText.includes('测试段落二');
  }, null, { timeout: 5000 });
  check(true, 'the preview shows the saved paragraph');
  await page.screenshot({ path: join(shots, '5-report-saved.png') });

  // 6. 生成文件, then download the PDF and validate it.
  await page.click('#build');
  await page.waitForSelector('#files a, #files button', { timeout: 60000 });
  if (await page.$('#files button')) {
    // Errors left (prompts of the new year's prose): the draft is offered.
    await page.click('#files button');
    await page.waitForSelector('#files a', { timeout: 60000 });
  }
  const links = await page.$$eval('#files a', (as) => as.map((a) => a.textContent));
  check(['.docx', '.pdf', '.xlsx', '.html'].every((e) => links.some((l) => l.endsWith(e))), `download links: ${links.join(' ')}`);
  check((await page.innerText('#files')).includes('输出文件夹'), 'the output folder is shown');
  await page.locator('#files').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '6-report-built.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#files a[href*=".pdf"], #files a >> text=/\\.pdf$/')]);
  const pdf = join(shots, 'downloaded.pdf');
  await download.saveAs(pdf);
  const bytes = readFileSync(pdf);
  check(bytes.subarray(0, 5).toString() === '%PDF-', `downloaded ${download.suggestedFilename()} (${bytes.length} bytes)`);
  try {
    execFileSync('qpdf', ['--check', pdf], { stdio: 'pipe' });
    check(true, 'qpdf --check accepts the PDF');
  } catch (e) {
    check(false, `qpdf --check: ${e.stdout}`);
  }
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  check(text.includes('测试段落二') && text.includes('青禾县测试局'), 'pdftotext finds the agency and the new paragraph');
  if (process.env.PDFA_PYTHON) {
    try {
      execFileSync(process.env.PDFA_PYTHON, [process.env.PDFA_CHECK, pdf], { stdio: 'pipe' });
      check(true, 'pdfa2b-check: no findings');
    } catch (e) {
      check(false, `pdfa2b-check: ${e.stdout}`);
    }
  }

  // 7. An edit from another editor reaches the page within 1 s.
  const tomlPath = join(ws, '青禾县测试局-2025', 'report.toml');
  const licensing = await page.inputValue('input[data-key="active.licensing"]');
  const text2 = readFileSync(tomlPath, 'utf8').replace(`licensing = ${licensing}`, 'licensing = 4321');
  check(text2.includes('licensing = 4321'), 'report.toml has licensing = N to edit');
  const editAt = Date.now();
  writeFileSync(tomlPath, text2);
  await page.waitForFunction(() => document.querySelector('input[data-key="active.licensing"]').value === '4321', null, { timeout: 1000 });
  check(true, `the outside edit shows up in ${Date.now() - editAt} ms`);

  // 8. A conflict: unsaved edits on the page while another editor saves the same file. The
  // save writes nothing, says which file, keeps the clerk's edits; the clerk chooses.
  const dir = join(ws, '青禾县测试局-2025');
  const punishment = 'input[data-key="active.punishment"]';
  await page.fill(punishment, '8150');
  await page.waitForFunction(() => document.getElementById('savestate').textContent === '有未保存的修改');
  const theirsToml = readFileSync(tomlPath, 'utf8').replace('licensing = 4321', 'licensing = 4322') + '# 另一个编辑器中加的注释\n';
  writeFileSync(tomlPath, theirsToml);
  await page.waitForFunction(() => document.querySelector('input[data-key="active.licensing"]').value === '4322', null, { timeout: 2000 });
  check((await page.innerText('#banner')).includes('report.toml 已被其他程序修改'), 'the outside edit under unsaved edits is said at once');
  check(await page.inputValue(punishment) === '8150', 'the unsaved number stays on the page when the file changes');
  await page.click('#save');
  await page.waitForSelector('#banner.conflict #conflict-keep');
  let bannerText = await page.innerText('#banner');
  check(bannerText.includes('report.toml 在您编辑期间已被其他程序修改') && bannerText.includes('没有覆盖任何文件'), `the conflict is said in Chinese, naming the file: ${bannerText.split('\n')[0]}`);
  check(bannerText.includes('表二“行政处罚”本年处理决定数量：8150'), 'the conflict lists the unsaved number');
  check(readFileSync(tomlPath).equals(Buffer.from(theirsToml)), 'the other editor\'s report.toml is on disk byte for byte');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, '7-conflict-toml.png') });
  await page.click('#conflict-keep');
  await page.waitForFunction(() => document.getElementById('savestate').textContent === '已保存', null, { timeout: 5000 });
  const merged = readFileSync(tomlPath, 'utf8');
  check(merged.includes('punishment = 8150') && merged.includes('licensing = 4322') && merged.includes('# 另一个编辑器中加的注释'),
    'saving mine onto the other version keeps the other editor\'s number and comment');

  const overviewPath = join(dir, 'overview.md');
  const mine = '本页上写的概述，尚未保存。';
  const theirs = '另一个编辑器写的概述。\n第二段。\n';
  await page.fill('#prose-overview', mine);
  const versionBefore = await page.evaluate(() => document.body.dataset.version);
  writeFileSync(overviewPath, theirs);
  await page.waitForFunction((v) => document.body.dataset.version !== v, versionBefore, { timeout: 2000 });
  await page.click('#save');
  await page.waitForSelector('#banner.conflict #conflict-load');
  bannerText = await page.innerText('#banner');
  check(bannerText.includes('overview.md 在您编辑期间已被其他程序修改'), `a prose conflict names its file: ${bannerText.split('\n')[0]}`);
  check(readFileSync(overviewPath).equals(Buffer.from(theirs)), 'the other editor\'s overview.md is on disk byte for byte');
  check(await page.inputValue('#prose-overview') === mine, 'the clerk\'s unsaved text is still in its box');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, '8-conflict-prose.png') });
  await page.click('#conflict-load');
  await page.waitForFunction((t) => document.getElementById('prose-overview').value === t, theirs, { timeout: 5000 });
  check(await page.inputValue('textarea[data-unsaved="overview"]') === mine, 'after loading the other version the discarded text is listed to copy from');
  check((await page.innerText('#savestate')) === '已保存' && readFileSync(overviewPath).equals(Buffer.from(theirs)), 'nothing unsaved, the other version untouched');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, '9-conflict-loaded.png') });

  // 8. The security edge, from the page's own origin and from outside it.
  const noToken = await page.evaluate(async () => (await fetch('/api/workspace')).status);
  check(noToken === 403, `GET /api/workspace without the token: ${noToken}`);
  const noTokenPost = await page.evaluate(async () => (await fetch('/api/save', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
  check(noTokenPost === 403, `POST /api/save without the token: ${noTokenPost}`);
  // A wrong Host (DNS rebinding): Chromium will not let a page set Host, so a raw request.
  const { request } = await import('node:http');
  const wrongHost = await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/workspace?t=${token}`, headers: { Host: `rebind.example:${port}` } }, (res) => resolve(res.statusCode));
    req.end();
  });
  check(wrongHost === 403, `a wrong Host header: ${wrongHost}`);
  check(outside.length === 0, `no request left 127.0.0.1 (${outside.join(' ')})`);
  check(pageErrors.length === 0, `no script errors (${pageErrors.join(' | ')})`);
} finally {
  await browser.close();
  server.kill();
}
console.log(failures ? `${failures} FAILED` : 'all passed');
process.exit(failures ? 1 : 0);
