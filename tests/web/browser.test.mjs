// The page at GET /, driven in Debian's chromium by playwright-core: every
// view is clicked through and what a person sees is checked.  Fails on any
// console error and on any request to a host other than the server.
// Screenshots go to SCREENSHOT_DIR (default: the current folder).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, request } from './server.mjs';
import { check, step, stopServer, finish } from './report.mjs';

const shots = process.env.SCREENSHOT_DIR || '.';
mkdirSync(shots, { recursive: true });
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';


const server = await startServer();
const base = server.url;
const origin = new URL(base).origin;
console.log(`# server at ${base}`);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

const foreign = [];
const consoleErrors = [];
let allowedErrors = []; // regexps of console errors a step expects

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) {
      foreign.push(url);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (allowedErrors.some((re) => re.test(text))) return;
    consoleErrors.push(`${page.url()}: ${text}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

/* Waits until the view for the current hash has rendered. */
async function ready(page) {
  await page.waitForFunction(() => {
    const v = document.querySelector('main > .view');
    return v && v.dataset.ready === 'true' && v.dataset.route === location.hash;
  }, null, { timeout: 15000 });
}

async function open(page, hash) {
  await page.goto(base + '/' + hash);
  await ready(page);
}

async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

async function texts(page, selector) {
  return (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

async function clickAndWait(page, locator) {
  await locator.click();
  await ready(page);
}

const hash = (page) => page.evaluate(() => location.hash);
const claimsShown = (page) => page.$$eval('main article.claim', (els) => els.map((e) => e.dataset.claim));
const eventsShown = (page) => page.$$eval('main article.event', (els) => els.map((e) => e.dataset.event));

const page = await newPage({ width: 1280, height: 900 });

try {
  await step('GET / serves the page with its own assets only', async () => {
    const res = await page.goto(base + '/');
    check(res.status() === 200, `GET / answered ${res.status()}`);
    const csp = res.headers()['content-security-policy'] || '';
    check(csp.includes("default-src 'self'"), `no CSP on the page: ${csp}`);
    await ready(page);
    check(await text(page, 'main h1') === 'Timeline', 'the first view is not the timeline');
    const scripts = await page.$$eval('script', (els) => els.map((e) => e.src));
    check(scripts.length === 1 && scripts[0] === base + '/assets/app.js', `scripts: ${scripts}`);
    check(await page.locator('header nav a[aria-current="page"]').innerText() === 'Timeline', 'nav does not mark the timeline');
  });

  await step('timeline: events and claims merged, dates at their precision', async () => {
    const dates = await texts(page, 'ol.timeline h2.date');
    for (const d of ['2024', 'June 2024', 'December 2024', 'April 2025', '26 April 2025', '28 April 2025']) {
      check(dates.includes(d), `no date heading "${d}" in ${JSON.stringify(dates)}`);
    }
    check(dates.indexOf('2024') < dates.indexOf('June 2024') && dates.indexOf('June 2024') < dates.indexOf('26 April 2025'),
      `dates out of order: ${dates}`);
    const kursk = await text(page, 'article.event[data-event="evt-kursk-op"]');
    check(kursk.includes('Operation to recapture Kursk region'), 'the Kursk operation is not on the timeline');
    check(kursk.includes('2024 – April 2025'), `Kursk operation dates: ${kursk}`);
    check(kursk.includes('Kursk Oblast'), 'no location on the Kursk event');
    const ger = await text(page, 'article.claim[data-claim="clm-gerasimov-kursk"]');
    check(ger.includes('Valery Gerasimov') && ger.includes('completely liberated') && ger.includes('26 April 2025'), `Gerasimov card: ${ger}`);
    check(await page.locator('article[data-claim="clm-gerasimov-kursk"] .badge.disputed').textContent() === 'Disputed',
      'Gerasimov\'s claim is not marked disputed');
    const ua = await text(page, 'article.claim[data-claim="clm-uaaf-kursk-continuing"]');
    check(ua.includes('Ukrainian Armed Forces') && ua.includes('continuing') && /disputed/i.test(ua), `UA card: ${ua}`);
    check(ua.includes('date of the source'), 'a claim dated by its source does not say so');
    check(await page.locator('article[data-claim="clm-cmc-kursk-success"] .badge.disputed').count() === 0,
      'an undisputed claim is marked disputed');
    const counts = { events: (await eventsShown(page)).length, claims: (await claimsShown(page)).length };
    check(counts.events === 7 && counts.claims === 10, `timeline shows ${JSON.stringify(counts)}, want 7 events and 10 claims`);
  });

  await step('timeline: withheld figure, quantity with bounds, quote with its source', async () => {
    const w = await text(page, 'article[data-claim="clm-cmc-withholds-troops"] .withheld-by');
    check(w.startsWith('Figure withheld by Central Military Commission (North Korea)'), `withheld: ${w}`);
    const q = await text(page, 'article[data-claim="clm-intl-troop-estimate"] .quantity');
    check(q === 'Figure: about 2,024 troops', `quantity: ${q}`);
    const quote = page.locator('article[data-claim="clm-kr-mofa-statement"] figure.quote');
    check((await quote.locator('blockquote').innerText()).includes('The Pyongyang government is mocking the international community'), 'no quote');
    const cap = quote.locator('figcaption a.source-link');
    check(await cap.innerText() === 'North Korea Confirms It Sent Troops to Russia', 'the quote does not name its source');
    check(await cap.getAttribute('href') === '#/source/src-nk-troops', 'the quote does not link its source');
    check((await text(page, 'aside.callout')).includes('Valery Gerasimov versus Ukrainian Armed Forces'), 'no dispute callout');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, 'timeline.png'), fullPage: true });
  });

  await step('timeline filter: event (with its sub-events)', async () => {
    await page.selectOption('#f-event', 'evt-kursk-op');
    await clickAndWait(page, page.locator('#timeline-filters button[type="submit"]'));
    check((await hash(page)).includes('event=evt-kursk-op'), `hash: ${await hash(page)}`);
    const evs = await eventsShown(page);
    check(JSON.stringify(evs.sort()) === JSON.stringify(['evt-kursk-op', 'evt-kursk-op-completion']), `events: ${evs}`);
    const cls = await claimsShown(page);
    check(cls.includes('clm-gerasimov-kursk') && cls.includes('clm-uaaf-kursk-continuing') && !cls.includes('clm-kr-mofa-condemns'), `claims: ${cls}`);
    check((await text(page, 'p.showing')).includes('about Operation to recapture Kursk region'), 'the filter is not described');
  });

  await step('timeline filter: actor with its parts, date range, words, disputed only', async () => {
    await open(page, '#/timeline');
    await page.selectOption('#f-actor', 'ua');
    await clickAndWait(page, page.locator('#timeline-filters button[type="submit"]'));
    check(JSON.stringify(await claimsShown(page)) === '["clm-uaaf-kursk-continuing"]', `actor ua: ${await claimsShown(page)}`);
    check((await eventsShown(page)).includes('evt-kursk-op'), 'Ukraine\'s events are missing');

    await open(page, '#/timeline');
    await page.fill('#f-from', '2025-04-27');
    await page.fill('#f-to', '2025-04-30');
    await clickAndWait(page, page.locator('#timeline-filters button[type="submit"]'));
    let cls = await claimsShown(page);
    check(!cls.includes('clm-gerasimov-kursk') && cls.includes('clm-uaaf-kursk-continuing'), `range: ${cls}`);

    await open(page, '#/timeline');
    await page.fill('#f-q', 'liberated');
    await clickAndWait(page, page.locator('#timeline-filters button[type="submit"]'));
    cls = await claimsShown(page);
    check(JSON.stringify(cls) === '["clm-gerasimov-kursk"]', `words: ${cls}`);

    await open(page, '#/timeline');
    await page.check('#f-disputed');
    await clickAndWait(page, page.locator('#timeline-filters button[type="submit"]'));
    cls = await claimsShown(page);
    check(cls.length === 2 && (await eventsShown(page)).length === 0, `disputed only: ${cls}`);
    check(await page.locator('main article.claim .badge.disputed').count() === 2, 'disputed claims not marked');
  });

  await step('timeline filter: a date that is not one is explained, not sent', async () => {
    await open(page, '#/timeline');
    await page.fill('#f-from', '2024-13');
    await page.click('#timeline-filters button[type="submit"]');
    await page.locator('#date-error').waitFor({ state: 'visible' });
    check((await text(page, '#date-error')).includes('is not a date'), 'no message for a bad date');
    check(await hash(page) === '#/timeline', 'a bad date was applied');
    check(await page.getAttribute('#f-from', 'aria-invalid') === 'true', 'the field is not marked invalid');
  });

  await step('actor: clicking a claimant shows its statements; back returns', async () => {
    await open(page, '#/timeline');
    await clickAndWait(page, page.locator('article[data-claim="clm-gerasimov-kursk"] h3 a.actor'));
    check(await hash(page) === '#/actor/ru-gerasimov', `hash: ${await hash(page)}`);
    check(await text(page, 'main h1') === 'Valery Gerasimov', 'actor heading');
    check(JSON.stringify(await claimsShown(page)) === '["clm-gerasimov-kursk"]', 'Gerasimov\'s statements');
    await page.goBack();
    await ready(page);
    check(await hash(page) === '#/timeline', `back went to ${await hash(page)}`);
    check(await text(page, 'main h1') === 'Timeline', 'back did not show the timeline');
  });

  await step('actor: what Russia said (with its parts) and what Ukraine said', async () => {
    await clickAndWait(page, page.locator('header nav a', { hasText: 'Actors' }));
    await clickAndWait(page, page.locator('main a.actor', { hasText: /^Russia$/ }));
    check(await hash(page) === '#/actor/ru', `hash: ${await hash(page)}`);
    check(await text(page, 'main h1') === 'Russia', 'Russia heading');
    check((await text(page, 'p.parts')).includes('Russian General Staff'), 'Russia\'s parts');
    check(JSON.stringify(await claimsShown(page)) === '["clm-gerasimov-kursk"]', `Russia's statements: ${await claimsShown(page)}`);
    check((await text(page, 'article[data-claim="clm-gerasimov-kursk"]')).includes('completely liberated'), 'Russia\'s statement text');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, 'actor-statements.png'), fullPage: true });
    await clickAndWait(page, page.locator('#with-parts'));
    check(await hash(page) === '#/actor/ru?parts=0', `hash: ${await hash(page)}`);
    check((await text(page, 'p.empty')).includes('No statements by Russia are recorded'), 'no empty message without parts');
    await page.goBack();
    await ready(page);
    check(await page.isChecked('#with-parts'), 'back did not restore the parts');
    await open(page, '#/actor/ua');
    check(JSON.stringify(await claimsShown(page)) === '["clm-uaaf-kursk-continuing"]', 'Ukraine\'s statements');
    check((await text(page, 'article.claim')).includes('Military operations are continuing in some districts'), 'Ukraine\'s statement text');
  });

  await step('event: claims grouped by claimant, its dispute', async () => {
    await open(page, '#/timeline');
    await clickAndWait(page, page.locator('article[data-event="evt-kursk-op"] h3 a'));
    check(await hash(page) === '#/event/evt-kursk-op', `hash: ${await hash(page)}`);
    check(await text(page, 'main h1') === 'Operation to recapture Kursk region', 'event heading');
    check((await text(page, 'main p.meta')).includes('2024 – April 2025'), 'event dates');
    const groups = await texts(page, 'section.group > h3');
    check(JSON.stringify(groups) === JSON.stringify(['Valery Gerasimov', 'Central Military Commission (North Korea)', 'Ukrainian Armed Forces']),
      `groups: ${JSON.stringify(groups)}`);
    const sizes = await page.$$eval('section.group', (els) => els.map((e) => e.querySelectorAll('article.claim').length));
    check(JSON.stringify(sizes) === '[1,3,1]', `group sizes: ${sizes}`);
    check(await page.locator('section.event-disputes .dispute .side').count() === 2, 'the event does not show its dispute');
    check((await texts(page, 'ul.participants li')).some((t) => t.startsWith('Ukrainian Armed Forces — opposing force')), 'participants');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, 'event-by-claimant.png'), fullPage: true });
    await clickAndWait(page, page.locator('main a', { hasText: 'Group by stance instead' }));
    const byStance = await texts(page, 'section.group > h3');
    check(JSON.stringify(byStance) === '["asserts","withheld"]', `by stance: ${byStance}`);
  });

  await step('event: "Within it" lists sub-events by date, as the timeline does, not as entered', async () => {
    const post = async (body) => {
      const r = await request(base, 'POST', '/v1/events', body, {}, server.key);
      check(r.status === 201, `event ${body.id}: ${r.status} ${r.text}`);
    };
    await post({ id: 'ws-parent', title: 'Order parent', kind: 'other', start: '2024' });
    // Entered d, f, e, a, c, b; by id a..f; by date b, c, a, e, f, d:
    // b's instant is 23:00 UTC on 31 December 2024, before the year 2025;
    // a and e share March 2025 (then by id); f, the first of March as a
    // day, comes after the month (coarser first); d is later in March.
    const subs = [['ws-d', '2025-03-10'], ['ws-f', '2025-03-01'], ['ws-e', '2025-03'],
      ['ws-a', '2025-03'], ['ws-c', '2025'], ['ws-b', '2025-01-01T01:00:00+02:00']];
    for (const [id, start] of subs) {
      await post({ id, title: 'Sub ' + id, kind: 'other', start, part_of: 'ws-parent' });
    }
    const want = ['ws-b', 'ws-c', 'ws-a', 'ws-e', 'ws-f', 'ws-d'];
    const tl = await request(base, 'GET', '/v1/events/ws-parent/timeline?types=event');
    const timeline = tl.body.items.map((i) => i.event.id).filter((id) => id !== 'ws-parent');
    check(JSON.stringify(timeline) === JSON.stringify(want), `the timeline's order: ${timeline}`);
    await open(page, '#/event/ws-parent');
    const shown = await page.$$eval('ul.sub-events li a', (as) => as.map((a) => decodeURIComponent(a.getAttribute('href').split('/').pop())));
    check(JSON.stringify(shown) === JSON.stringify(want), `"Within it" shows ${shown}, want ${want}`);
  });

  await step('disputes: side by side with the note', async () => {
    await clickAndWait(page, page.locator('header nav a', { hasText: 'Disputes' }));
    check(await hash(page) === '#/disputes', `hash: ${await hash(page)}`);
    check(await page.locator('section.dispute').count() === 1, 'one dispute');
    check(await text(page, 'section.dispute h2') === 'Valery Gerasimov versus Ukrainian Armed Forces', 'dispute title');
    const a = page.locator('section.dispute .side-a');
    const b = page.locator('section.dispute .side-b');
    check((await a.innerText()).includes('completely liberated'), 'left side');
    check((await b.innerText()).includes('continuing in some districts'), 'right side');
    const ba = await a.boundingBox();
    const bb = await b.boundingBox();
    check(bb.x > ba.x + ba.width - 1 && Math.abs(ba.y - bb.y) < 2, `not side by side: ${JSON.stringify([ba, bb])}`);
    check((await text(page, 'section.dispute p.note')).startsWith('Why they conflict: Russia reports the Kursk region completely liberated'), 'note');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, 'disputes.png'), fullPage: true });
  });

  await step('search: ranked hits with marked words; a hit opens the claim and its relations', async () => {
    await open(page, '#/timeline');
    await page.fill('#searchbox-q', 'kursk');
    await page.press('#searchbox-q', 'Enter');
    await ready(page);
    check(await hash(page) === '#/search?q=kursk', `hash: ${await hash(page)}`);
    const hits = page.locator('ol.hits > li');
    /* Seven claims and events, and the article's text (sources' text is searched too). */
    check(await hits.count() === 8, `hits: ${await hits.count()}`);
    const marks = await texts(page, 'ol.hits mark');
    check(await page.locator('ol.hits > li:has(mark)').count() === 8, 'a hit without a marked word');
    check(marks.length >= 8 && marks.every((m) => m.toLowerCase() === 'kursk'), `marks: ${marks}`);
    const ger = page.locator('ol.hits > li', { hasText: 'completely liberated' });
    check(await ger.locator('.badge.disputed').count() === 1, 'a disputed hit is not marked');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
    await clickAndWait(page, ger.locator('h2 a'));
    check(await hash(page) === '#/claim/clm-gerasimov-kursk', `hash: ${await hash(page)}`);
    const rel = await texts(page, 'ul.relations > li > h3');
    check(JSON.stringify(rel) === '["Contradicted by","Supported by"]', `relations: ${rel}`);
    check((await text(page, 'ul.relations > li.relation-contradicts article')).includes('Ukrainian Armed Forces'), 'the contradicting claim');
  });

  await step('search: what people type is searched for its words, never an error', async () => {
    await open(page, `#/search?q=${encodeURIComponent("Russia's (")}`);
    check(await page.locator('main .error').count() === 0, 'an error shown');
    check(await page.locator('ol.hits > li').count() > 0, 'no hits for Russia\'s');
    check((await texts(page, 'ol.hits mark')).some((m) => m.toLowerCase().startsWith('russia')), `marks: ${await texts(page, 'ol.hits mark')}`);
    await open(page, `#/search?q=${encodeURIComponent('NEAR(zzyzx')}`);
    check(await page.locator('main .error').count() === 0, 'an error shown for NEAR(');
    check((await text(page, 'main p.showing')) === 'Nothing matches “NEAR(zzyzx”.', `showing: ${await text(page, 'main p.showing')}`);
    await open(page, `#/search?q=${encodeURIComponent('( -- "')}`);
    check(await page.locator('main .error').count() === 0, 'an error shown for punctuation');
    check((await text(page, 'main p.showing')).includes('has no word to search for'), `showing: ${await text(page, 'main p.showing')}`);
  });

  await step('source: its claims, and the back button across views', async () => {
    await open(page, '#/timeline');
    await clickAndWait(page, page.locator('article[data-claim="clm-kr-mofa-statement"] figcaption a.source-link'));
    check(await text(page, 'main h1') === 'North Korea Confirms It Sent Troops to Russia', 'source heading');
    check((await claimsShown(page)).length === 10, 'the source\'s claims');
    await page.goBack();
    await ready(page);
    check(await text(page, 'main h1') === 'Timeline', 'back from the source');
    await clickAndWait(page, page.locator('header nav a', { hasText: 'Events' }));
    check((await texts(page, 'ul.tree > li')).some((t) => t.startsWith('2024 – April 2025: Operation to recapture Kursk region')), 'events list');
  });

  await step('keyboard: skip link, nav and links work with Tab and Enter, focus is visible', async () => {
    await open(page, '#/timeline');
    await page.reload();
    await ready(page);
    await page.keyboard.press('Tab');
    let focused = await page.evaluate(() => document.activeElement.textContent);
    check(focused === 'Skip to content', `first Tab focuses ${focused}`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(outline !== 'none', 'the focused link has no visible outline');
    let found = false;
    for (let i = 0; i < 12 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement.getAttribute('data-nav') === 'disputes');
    }
    check(found, 'Tab does not reach the Disputes link');
    await page.keyboard.press('Enter');
    await ready(page);
    check(await hash(page) === '#/disputes', 'Enter on Disputes');
    focused = await page.evaluate(() => document.activeElement.tagName + ':' + document.activeElement.textContent);
    check(focused === 'H1:Disputes', `focus after navigation: ${focused}`);
    found = false;
    for (let i = 0; i < 15 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement.matches('a.actor'));
    }
    check(found, 'Tab does not reach a claimant');
    await page.keyboard.press('Enter');
    await ready(page);
    check((await hash(page)).startsWith('#/actor/'), `Enter on a claimant: ${await hash(page)}`);
  });

  await step('text from the store is shown as text; Load more follows the cursor', async () => {
    const bad = '<img src=x onerror="window.__xss=1"> Pager & <b>Co</b>';
    let r = await request(base, 'POST', '/v1/actors', { id: 'web-test-actor', name: bad, kind: 'group' }, {}, server.key);
    check(r.status === 201, `actor: ${r.status} ${r.text}`);
    r = await request(base, 'POST', '/v1/sources', { id: 'web-test-src', title: '<b>Test</b> source', url: 'https://example.org/article?a=1&b=2' }, {}, server.key);
    check(r.status === 201, `source: ${r.status} ${r.text}`);
    for (let i = 0; i < 55; i++) {
      const n = String(i).padStart(2, '0');
      r = await request(base, 'POST', '/v1/claims', {
        id: `web-test-clm-${n}`, claimant: 'web-test-actor', source: 'web-test-src',
        text: `<script>window.__xss=2</script> claim ${n}`, quote: i === 0 ? '<i>quoted</i>' : null,
      }, {}, server.key);
      check(r.status === 201, `claim ${n}: ${r.status} ${r.text}`);
    }
    await open(page, '#/actor/web-test-actor');
    check(await page.locator('main h1').textContent() === bad, `heading: ${await page.locator('main h1').textContent()}`);
    check(await page.locator('main img, main b, main i, main script').count() === 0, 'store text became markup');
    check(await page.evaluate(() => window.__xss) === undefined, 'store text ran as script');
    check(await page.locator('main article.claim').count() === 50, 'first page');
    const src = page.locator('article[data-claim="web-test-clm-00"] figcaption a.source-link');
    check(await src.getAttribute('href') === 'https://example.org/article?a=1&b=2', 'the quote does not link the source url');
    check(await src.textContent() === '<b>Test</b> source', 'source title as text');
    check(await page.locator('article[data-claim="web-test-clm-00"] blockquote').textContent() === '<i>quoted</i>', 'quote as text');
    const more = page.locator('.pager button.more');
    check(await more.isVisible(), 'no Load more');
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('main article.claim').length === 55);
    check(await more.isHidden(), 'Load more stays after the last page');
    check(await page.evaluate(() => document.activeElement.dataset.claim) === 'web-test-clm-50', 'focus is not on the first new entry');
    const ids = await claimsShown(page);
    check(new Set(ids).size === 55, 'a claim shown twice');
  });

  await step('phone width (375 px): nothing overflows, disputes stack', async () => {
    const phone = await newPage({ width: 375, height: 812 });
    await open(phone, '#/timeline');
    let width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 375, `timeline is ${width}px wide`);
    check(!(await phone.locator('details.filter-box').getAttribute('open') !== null), 'filters open on a phone');
    await phone.screenshot({ path: join(shots, 'phone-timeline.png'), fullPage: false });
    await open(phone, '#/disputes');
    width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 375, `disputes are ${width}px wide`);
    const ba = await phone.locator('.side-a').boundingBox();
    const bb = await phone.locator('.side-b').boundingBox();
    check(bb.y >= ba.y + ba.height - 1, 'disputes do not stack on a phone');
    await phone.screenshot({ path: join(shots, 'phone-disputes.png'), fullPage: true });
    await open(phone, '#/event/evt-kursk-op');
    width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 375, `the event is ${width}px wide`);
    await phone.context().close();
  });

  await step('no console errors, no request to another host', async () => {
    check(consoleErrors.length === 0, `console errors:\n  ${consoleErrors.join('\n  ')}`);
    check(foreign.length === 0, `requests to other hosts:\n  ${foreign.join('\n  ')}`);
  });
} finally {
  await browser.close().catch(() => {});
  await stopServer(server);
}

console.log(`# screenshots in ${shots}`);
console.log(`# screenshots: timeline.png actor-statements.png event-by-claimant.png disputes.png search.png phone-timeline.png phone-disputes.png`);
finish();
