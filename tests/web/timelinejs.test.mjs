// Our TimelineJS output rendered in Knight Lab's own viewer (the npm
// package @knight-lab/timelinejs, its dist JS and CSS served by a static
// server of this test's own), in Debian's chromium driven by
// playwright-core, with hostile markup written by a write key into every
// string field of every resource.  Fails when any of it runs as script
// (each payload calls window.__pwned(n), n naming the field; dialogs and
// uncaught errors count too), when any of it becomes an element or an
// attribute of the page, when it makes the browser fetch anything, or when
// it does not show as the text that was written.  Every slide is visited by
// clicking "next".  No request leaves 127.0.0.1: anything else is aborted.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { startServer, request } from './server.mjs';
import { check, step, stopServer, finish } from './report.mjs';

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const distDir = join(process.cwd(), 'node_modules', '@knight-lab', 'timelinejs', 'dist');


/* ---- the payloads: every one calls __pwned(n) if it ever runs ---- */

const templates = [
  (n) => `<img src=x onerror=__pwned(${n})>`,
  (n) => `<svg onload=__pwned(${n})>`,
  (n) => `<script>__pwned(${n})</script>`,
  // pre-escaped, once and twice: caught by decode-then-insert
  (n) => `&lt;svg onload=__pwned(${n})&gt;`,
  (n) => `&amp;lt;img src=x onerror=__pwned(${n})&amp;gt;`,
  (n) => `&#60;img src=x onerror=__pwned(${n})&#62;`,
  // breaking out of an attribute
  (n) => `"><img src=x onerror=__pwned(${n})>`,
  (n) => `'><svg/onload=__pwned(${n})>`,
  (n) => `javascript:__pwned(${n})`,
  (n) => `<a href="javascript:__pwned(${n})">link</a>`,
  // what the viewer's autolinker turns into attributes
  (n) => `www.x.test'/onfocus='__pwned(${n})'/tabindex='0'/autofocus/x`,
  (n) => `https://x.test/'onmouseover='__pwned(${n})' a@b.test`,
  (n) => `<iframe srcdoc="<script>parent.__pwned(${n})</script>"></iframe>`,
  (n) => `<details open ontoggle=__pwned(${n})>x</details>`,
  // an element of the store's, harmless but for being one
  (n) => `<b class="__pwned(${n})">bold</b>`,
];

const fields = []; // fields[n]: the field whose payload calls __pwned(n)
function tag(field) {
  fields.push(field);
  return fields.length - 1;
}
/* All the payloads at once, for `field`. */
const all = (field) => {
  const n = tag(field);
  return `${field}: ` + templates.map((t) => t(n)).join(' ');
};
/* A payload that fits 100 bytes (kind, tags, quantity units). */
const short = (field) => {
  const n = tag(field);
  return `<svg onload=__pwned(${n})>&lt;img src=x onerror=__pwned(${n})&gt;`;
};

/* ---- the store: hostile text in every string field ---- */

async function writeHostile(base, key) {
  const post = async (path, body) => {
    const r = await request(base, 'POST', path, body, {}, key);
    check(r.status === 201, `POST ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const names = {}; // what the viewer must show as text: id -> text
  await post('/v1/actors', {
    id: 'x-all', name: all('actor.name'), kind: 'group',
    aliases: [all('actor.aliases[0]'), short('actor.aliases[1]')],
    description: all('actor.description'),
  });
  names['x-all'] = (await request(base, 'GET', '/v1/actors/x-all')).body.name;
  // Each payload alone as a name: a claimant's name is a group label.
  for (let k = 0; k < templates.length; k++) {
    const name = templates[k](tag(`actor.name (payload ${k} alone)`));
    await post('/v1/actors', { id: `x-a${k}`, name, kind: 'person' });
    names[`x-a${k}`] = name;
  }
  const quote = 'QUOTE ' + all('claim.quote');
  await post('/v1/sources', {
    id: 'x-src', title: all('source.title'), publisher: all('source.publisher'),
    url: `https://x.test/?q="><img/src=x/onerror=__pwned(${tag('source.url')})>`,
    kind: 'report', language: 'en',
    text: all('source.text') + ' ' + quote + ' ' + all('source.text (after the quote)'),
  });
  await post('/v1/events', {
    id: 'x-top', title: all('event.title'), kind: short('event.kind'), start: '2023',
    end: '2023-12', description: all('event.description'),
    location: { name: all('event.location.name'), country: 'RU' },
    tags: [short('event.tags[0]'), short('event.tags[1]')],
    participants: [{ actor: 'x-all', role: all('event.participants[0].role') }],
  });
  await post('/v1/events', {
    id: 'x-sub', title: all('sub-event.title'), kind: 'report', start: '2023-05', part_of: 'x-top',
    description: short('sub-event.description'),
  });
  // Each payload alone as a top event's title: a group label too.
  for (let k = 0; k < templates.length; k++) {
    const title = templates[k](tag(`event.title (payload ${k} alone)`));
    await post('/v1/events', { id: `x-e${k}`, title, kind: 'report', start: `2022-${String(k % 12 + 1).padStart(2, '0')}` });
    names[`x-e${k}`] = title;
  }
  await post('/v1/claims', {
    id: 'x-c-all', claimant: 'x-all', via: 'x-a0', events: ['x-sub', 'x-top'], stated: '2023-06',
    stance: 'estimates', text: all('claim.text'), quote, source: 'x-src',
    quantity: { value: 5000, low: 4000, high: 6000, unit: short('claim.quantity.unit'), approximate: true },
  });
  await post('/v1/claims', {
    id: 'x-c-withholds', claimant: 'x-all', events: ['x-top'], stated: '2023-06-02', stance: 'withholds',
    text: all('withholding claim.text'), quantity: { unit: short('withholding claim.quantity.unit') },
  });
  for (let k = 0; k < templates.length; k++) {
    await post('/v1/claims', {
      id: `x-c${k}`, claimant: `x-a${k}`, events: k % 2 ? ['x-top'] : [], stated: '2023-07',
      stance: 'denies', text: templates[k](tag(`claim.text (payload ${k} alone)`)),
    });
  }
  await post('/v1/claims/x-c-all/relations', { type: 'contradicts', claim: 'x-c0', note: all('relation.note') });
  await post('/v1/claims/x-c1/relations', { type: 'supports', claim: 'x-c-all', note: short('relation.note (supports)') });
  return names;
}

/* ---- the viewer, served from here ---- */

const harness = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS harness</title>
<link rel="stylesheet" href="/tl/css/timeline.css">
<script src="/tl/js/timeline.js"></script>
</head><body style="margin:0">
<div id="tl" style="width:1200px;height:760px"></div>
</body></html>`;

const types = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.html': 'text/html' };
const strayRequests = []; // requests for anything but the harness and the viewer's files

async function startStatic() {
  const srv = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(harness);
    }
    if (path.startsWith('/tl/')) {
      const rel = normalize(decodeURIComponent(path.slice(4)));
      if (!rel.startsWith('..')) {
        try {
          const body = await readFile(join(distDir, rel));
          const ext = rel.slice(rel.lastIndexOf('.'));
          res.writeHead(200, { 'Content-Type': types[ext] || 'application/octet-stream' });
          return res.end(body);
        } catch { /* a file the package does not have: 404 below */ }
      }
      if (/\.(css|json|woff2?|ttf)$/.test(rel)) {
        res.writeHead(404);
        return res.end();
      }
    }
    strayRequests.push(path);
    res.writeHead(404);
    res.end();
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

/* ---- rendering one document and visiting every slide ---- */

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

/* Renders `doc` and clicks through it; answers what happened. */
async function render(staticUrl, doc) {
  const origin = new URL(staticUrl).origin;
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url === 'about:blank' || new URL(url).origin === origin) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const seen = { hits: [], dialogs: [], errors: [] };
  // One function, that the store's text cannot replace, records a payload that ran.
  await page.exposeFunction('__hit', (n) => seen.hits.push(n));
  await page.addInitScript(() => {
    Object.defineProperty(window, '__pwned', { value: (n) => window.__hit(n), writable: false, configurable: false });
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = (m.location() && m.location().url) || '';
    // A font from a CDN that we blocked, or a file the package lacks.
    if (blocked.includes(at) || (/^Failed to load resource/.test(m.text()) && at.startsWith(origin + '/tl/'))) return;
    seen.errors.push(`${m.text()} (${at})`);
  });

  await page.goto(staticUrl + '/');
  await page.waitForFunction(() => typeof window.TL === 'object' && typeof window.TL.Timeline === 'function');
  await page.evaluate((data) => {
    window.__changes = [];
    window.tl = new window.TL.Timeline('tl', data, {
      script_path: location.origin + '/tl/js/', duration: 1, hash_bookmark: false,
      language: 'en', font: 'default', theme: null, soundcite: false,
    });
    window.tl.on('change', (e) => window.__changes.push(e.unique_id));
  }, doc);
  await page.waitForFunction(() => window.tl && window.tl.ready && document.querySelectorAll('#tl .tl-slide').length > 0,
    null, { timeout: 20000 });
  const slides = await page.evaluate(() => document.querySelectorAll('#tl .tl-slide').length);
  check(slides === doc.events.length + 1, `the viewer made ${slides} slides of ${doc.events.length} events and a title`);

  const problems = [];
  const inspect = async (where) => {
    const found = await page.evaluate(() => {
      const out = [];
      const root = document.getElementById('tl');
      const foreignTags = 'script,img,svg,iframe,object,embed,details,video,audio,math,style,link,form,input,textarea,base,meta';
      for (const el of root.querySelectorAll(foreignTags)) {
        out.push(`<${el.tagName.toLowerCase()}> in ${el.parentElement && el.parentElement.className}: ${el.outerHTML.slice(0, 120)}`);
      }
      // Attributes the viewer fills with text (its aria-labels hold a
      // headline's HTML as text): a payload there is only words.
      const textOnly = new Set(['aria-label', 'title', 'alt']);
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          const onOurs = a.name === 'onclick' && a.value === 'void(0)'; // the viewer's own links
          if (/pwned/i.test(a.name) || (/pwned/i.test(a.value) && !textOnly.has(a.name)) ||
            (/^on/i.test(a.name) && !onOurs)) {
            out.push(`attribute ${a.name}="${a.value.slice(0, 80)}" on <${el.tagName.toLowerCase()} class="${el.className}">`);
          }
          if (/^\s*javascript:/i.test(a.value) && !textOnly.has(a.name)) out.push(`javascript: URL in ${a.name} of <${el.tagName.toLowerCase()}>`);
        }
      }
      return out;
    });
    for (const f of found) problems.push(`${where}: ${f}`);
  };

  await inspect('after loading');
  const total = doc.events.length + 1;
  for (let i = 1; i < total; i++) {
    // A click on the viewer's "next" button, run by the button itself:
    // the viewer's own layout puts it outside the viewport while a slide
    // moves, which a pointer click waits out slide after slide.
    await page.locator('#tl .tl-slidenav-next').evaluate((b) => b.click());
    const moved = await page.waitForFunction((n) => window.__changes.length >= n, i, { timeout: 10000 })
      .then(() => true, () => false);
    if (!moved) {
      problems.push(`"next" did not move past slide ${i - 1}`);
      break;
    }
    if (i % 10 === 0 || i === total - 1) await inspect(`at slide ${i}`);
  }
  const visited = await page.evaluate(() => window.__changes.slice());
  const wanted = doc.events.map((e) => e.unique_id);
  const missed = wanted.filter((u) => !visited.includes(u));
  // Let late timers (image errors, focus, toggle events) fire.
  await page.waitForTimeout(300);
  await inspect('at the end');
  const shown = await page.evaluate(() => ({
    groups: [...document.querySelectorAll('#tl .tl-timegroup-message')].map((e) => e.textContent),
    headlines: [...document.querySelectorAll('#tl .tl-slide .tl-headline')].map((e) => e.textContent),
    texts: [...document.querySelectorAll('#tl .tl-slide .tl-text-content')].map((e) => e.textContent),
    dates: [...document.querySelectorAll('#tl .tl-slide .tl-headline-date')].map((e) => e.textContent),
    markers: [...document.querySelectorAll('#tl .tl-timemarker-text')].map((e) => e.textContent),
  }));
  await context.close();
  return { seen, problems, missed, shown, blocked };
}

function verdict(r, names, label) {
  const ran = [...new Set(r.seen.hits)].map((n) => fields[n] || `#${n}`);
  check(ran.length === 0, `${label}: store text ran as script, from: ${ran.join('; ')}`);
  check(r.seen.dialogs.length === 0, `${label}: dialogs opened: ${r.seen.dialogs.join('; ')}`);
  check(r.problems.length === 0, `${label}: store text became markup:\n    ${[...new Set(r.problems)].slice(0, 12).join('\n    ')}`);
  check(strayRequests.length === 0, `${label}: store text made the browser fetch ${strayRequests.join(', ')}`);
  check(r.seen.errors.length === 0, `${label}: errors in the page: ${r.seen.errors.join('; ')}`);
  check(r.missed.length === 0, `${label}: slides never shown: ${r.missed.join(', ')}`);
}

const server = await startServer();
const base = server.url;
const statik = await startStatic();
console.log(`# server at ${base}, viewer at ${statik.url}`);

try {
  let names;
  await step('hostile text written into every string field of every resource', async () => {
    names = await writeHostile(base, server.key);
    console.log(`# ${fields.length} hostile fields`);
  });

  const get = async (path) => {
    const r = await request(base, 'GET', path);
    check(r.status === 200, `GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
    check(Array.isArray(r.body.events), `GET ${path}: no events`);
    return r.body;
  };

  for (const path of ['/v1/timelinejs?limit=500', '/v1/timeline?format=timelinejs&limit=500']) {
    await step(`${path} renders in TimelineJS as text, running nothing`, async () => {
      const doc = await get(path);
      check(doc.events.length >= 30, `only ${doc.events.length} slides`);
      const r = await render(statik.url, doc);
      verdict(r, names, path);
      // Group labels show the names and titles exactly as written.
      for (const id of ['x-all', 'x-a0', 'x-a3', 'x-a4', 'x-a5', 'x-a6', 'x-e1', 'x-e3', 'x-e4', 'x-e7']) {
        check(r.shown.groups.includes(names[id].trim()),
          `${path}: the group of ${id} does not read ${JSON.stringify(names[id])}; groups: ${JSON.stringify(r.shown.groups.slice(0, 40))}`);
      }
      // Headlines and texts show the store's text as written.
      for (const k of [0, 3, 4, 6, 10]) {
        const title = names[`x-e${k}`];
        check(r.shown.headlines.includes(title), `${path}: no headline reads ${JSON.stringify(title)}`);
      }
      check(r.shown.texts.some((t) => t.includes(templates[4](fields.indexOf('claim.text (payload 4 alone)')))),
        `${path}: a claim's text does not show as written`);
      check(r.shown.headlines.some((t) => t.startsWith(names['x-all'])), `${path}: no headline names the claimant as written`);
    });
  }

  await step('/v1/events/x-top/timelinejs (and ?format=timelinejs) renders as text, running nothing', async () => {
    const doc = await get('/v1/events/x-top/timelinejs?limit=500');
    const legacy = await get('/v1/events/x-top/timeline?format=timelinejs&limit=500');
    check(JSON.stringify(doc) === JSON.stringify(legacy), 'the two paths answer different documents');
    check(doc.events.length >= 8, `only ${doc.events.length} slides`);
    const r = await render(statik.url, doc);
    verdict(r, names, 'event x-top');
    check(r.shown.groups.length === 0 || r.shown.groups.some((g) => g === names['x-all'].trim()),
      `event x-top: groups ${JSON.stringify(r.shown.groups)}`);
  });

  await step('no request left 127.0.0.1 but blocked ones; no stray request reached the viewer\'s server', async () => {
    check(strayRequests.length === 0, `stray: ${strayRequests.join(', ')}`);
  });
} finally {
  await browser.close().catch(() => {});
  await statik.close().catch(() => {});
  await stopServer(server);
}

finish();
