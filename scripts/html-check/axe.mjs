// axe-core in Debian Chromium (driven by playwright-core) on nianbao's HTML outputs.
//
//   node scripts/html-check/axe.mjs PAGE.html [HOST.html ...]
//
// Each file is opened from disk at two sizes: 1280 × 800 CSS px (100 %) and 640 × 400 CSS px
// at device scale 2 (what 200 % zoom on the same window lays out). axe runs every rule it has
// that is not experimental (WCAG 2.x A/AA and best practices); any violation fails.
// The fragment is checked inside a host page (scripts/interop-html.sh writes it), as a CMS
// shows it.
//
// With SCREENSHOT_DIR set, a full-page PNG of each file at each size goes there
// (<name>.100.png, <name>.200.png) and, for a complete page, its print rendering as
// <name>.print.pdf (A4, the print style sheet).
//
// Exit status: 0 no violations, 1 violations, 2 usage or browser failure.
import { readFileSync, mkdirSync } from 'node:fs';
import { basename, resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const files = process.argv.slice(2);
if (files.length === 0) {
    console.error('usage: axe.mjs FILE.html...');
    process.exit(2);
}
const shots = process.env.SCREENSHOT_DIR;
if (shots) mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
});
const sizes = [
    { zoom: 100, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
    { zoom: 200, viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
];
let failed = false;
try {
    for (const file of files) {
        const url = pathToFileURL(resolve(file)).href;
        for (const size of sizes) {
            const context = await browser.newContext({
                viewport: size.viewport,
                deviceScaleFactor: size.deviceScaleFactor,
                // Nothing may load from outside the file: fail the check if anything tries.
                offline: true,
            });
            const page = await context.newPage();
            const requests = [];
            page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
            await page.goto(url, { waitUntil: 'load' });
            await page.addScriptTag({ content: axeSource });
            const result = await page.evaluate(async () =>
                // eslint-disable-next-line no-undef
                await axe.run(document, { resultTypes: ['violations'] }));
            const name = basename(file);
            for (const v of result.violations) {
                failed = true;
                console.log(`FAIL ${name} @${size.zoom}%: ${v.id} (${v.impact}): ${v.help}`);
                for (const n of v.nodes.slice(0, 5)) {
                    console.log(`     ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`);
                }
            }
            if (requests.length) {
                failed = true;
                console.log(`FAIL ${name}: external requests ${requests.join(', ')}`);
            }
            if (!result.violations.length && !requests.length) {
                console.log(`ok   ${name} @${size.zoom}%: axe ${axeVersion(result)}, 0 violations`);
            }
            if (shots) {
                const stem = join(shots, name.replace(/\.html$/, ''));
                await page.screenshot({ path: `${stem}.${size.zoom}.png`, fullPage: true });
                if (size.zoom === 100 && !name.includes('.host.')) {
                    await page.pdf({ path: `${stem}.print.pdf`, preferCSSPageSize: true });
                }
            }
            await context.close();
        }
    }
} catch (e) {
    console.error(`axe.mjs: ${e.stack || e}`);
    await browser.close();
    process.exit(2);
}
await browser.close();
process.exit(failed ? 1 : 0);

function axeVersion(result) {
    return (result.testEngine && result.testEngine.version) || '?';
}
