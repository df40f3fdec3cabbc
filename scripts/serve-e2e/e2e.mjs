// End-to-end test of `nianbao serve` in Debian Chromium, driven by playwright-core
// (scripts/serve-e2e.sh runs it): a clerk's session from the workspace page to a downloaded PDF,
// plus the refusals of the security edge. Screenshots of every page go to $SHOTS.
//
// usage: node e2e.mjs NIANBAO_BINARY WORKSPACE SHOTS_DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [bin, ws, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

// The server, on a free port, without opening a browser.
const server = spawn(bin, ['serve', ws, '--port', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (c) => reject(new Error(`nianbao serve exited (${c}): ${out}`)));
  setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20000);
});
const origin = new URL(url).origin;
const port = new URL(url).port;
const token = new URL(url).searchParams.get('t');
console.log(`serving ${ws} at ${origin}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
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
