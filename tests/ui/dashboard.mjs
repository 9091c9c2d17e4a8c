// Drives gsmqd's dashboard in Debian's Chromium (playwright-core, never a downloaded
// browser): the page loads without console errors, the channels table follows sends
// without a reload, a channel page shows a message's body, the send form delivers a
// message that gsmq-recv receives, and purge empties a channel. With TOKEN (a gsmqd with
// --tokens): the page asks for the token and works with it.
// Usage: node dashboard.mjs HTTP_URL GSMQ_URL SHOT_DIR [TOKEN]   (gsmq-send/-recv on PATH)
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [http, gsmq, shots, token] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'gsmq-chromium-'));
const problems = [];
const step = (what) => console.log('step: ' + what);
const run = (tool, ...args) => execFileSync(tool, args, { encoding: 'utf8', timeout: 30000 });

// a fresh profile of its own (playwright takes it as the persistent context's directory)
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = browser.pages()[0] || await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (m) => {
    // with --tokens the page's first call is refused (401) before it asks for the token
    if (m.type() === 'error' && !(token && /status of 401/.test(m.text()))) problems.push('console: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  if (token) await withToken(page);
  else await everything(page);
} catch (e) {
  problems.push('failed: ' + e.message);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

// A gsmqd with --tokens (TOKEN given): the page asks for a token, then shows the channels
// and a channel's messages with it.
async function withToken(page) {
  step('a gsmqd with --tokens: the page asks for a token, then shows its channels');
  await page.goto(http + '/');
  await page.locator('#token-form').waitFor();
  await page.locator('#token').fill(token);
  await page.locator('#use-token').click();
  const row = page.locator('#channels tbody tr[data-channel="jobs/one"]');
  await row.locator('td:nth-child(3)', { hasText: /^1$/ }).waitFor();
  await page.locator('#live', { hasText: 'live' }).waitFor();
  step('and the message browser with it');
  await row.locator('a').click();
  await page.locator('#messages tbody tr', { hasText: 'with-token' }).waitFor();
}

async function everything(page) {
    step('the overview loads and goes live');
    await page.goto(http + '/');
    await page.locator('#live', { hasText: 'live' }).waitFor();

    step('messages sent now appear in the channels table without a reload');
    run('gsmq-send', '-m', '{"temp":21.5,"room":"lab"}', '-m', 'second', '-m', 'third', gsmq + '/sensors/lab');
    const row = page.locator('#channels tbody tr[data-channel="sensors/lab"]');
    await row.locator('td:nth-child(3)', { hasText: /^3$/ }).waitFor();
    await row.locator('td.oldest', { hasText: /^([0-9]+[dhm] )*[0-9]+s$/ }).waitFor();  // how long the oldest waited
    await page.locator('#filter').fill('lab');
    await row.waitFor();
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-overview.png') });

    step('a channel page shows the message bodies');
    await row.locator('a').click();
    await page.locator('#channel-name', { hasText: 'sensors/lab' }).waitFor();
    await page.locator('#messages tbody tr').nth(2).waitFor();
    const first = await page.locator('#messages tbody tr').first().locator('pre.body').innerText();
    if (!first.includes('"temp": 21.5')) problems.push('first body shown as: ' + first);
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-channel.png') });

    step('the send form delivers a message that gsmq-recv receives');
    await page.goto(http + '/#/channel/' + encodeURIComponent('from/page'));
    await page.locator('#channel-name', { hasText: 'from/page' }).waitFor();
    await page.locator('#send-body').fill('{"cmd":"open"}');
    await page.locator('#send-json').check();
    await page.locator('#send-priority').fill('5');
    await page.locator('#send').click();
    await page.locator('#send-result', { hasText: 'sent: seq 1' }).waitFor();
    const got = JSON.parse(run('gsmq-recv', '--count', '1', '--wait', '10s', gsmq + '/from/page'));
    if (JSON.stringify(got.body) !== '{"cmd":"open"}' || got.priority !== 5)
      problems.push('gsmq-recv got ' + JSON.stringify(got));

    step('purge, confirmed, empties the channel');
    await page.goto(http + '/#/channel/' + encodeURIComponent('sensors/lab'));
    await page.locator('#messages tbody tr').nth(2).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.locator('#purge').click();
    await page.locator('#browse-note', { hasText: 'Purged 3 messages' }).waitFor();
    const left = run('gsmq-recv', gsmq + '/sensors/lab');
    if (left.trim() !== '') problems.push('after purge gsmq-recv got: ' + left);
}

for (const p of problems) console.log(p);
console.log(problems.length ? 'FAILED' : 'PASSED');
process.exit(problems.length ? 1 : 0);
