// Shared by e2e.mjs and bench.mjs: `nianbao serve` on a free port without opening a browser,
// and Debian Chromium headless with the flags.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

/** Starts `BIN serve WS` and resolves once it printed its URL (with the token). */
export async function startServer(bin, ws) {
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
  const u = new URL(url);
  return { server, url, origin: u.origin, port: u.port, token: u.searchParams.get('t') };
}

/** Headless Chromium ($CHROMIUM or /usr/bin/chromium). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
