/*
 * claimline's page: the timeline, an actor's statements, an event's claims
 * by claimant, disputes side by side, search, and single claims, events,
 * sources and actors.  Hash routes (#/timeline, #/actor/ru, ...) keep every
 * view linkable and the back button working.
 *
 * Only same-origin requests to the public API.  Text from the store is
 * always inserted as text (textContent / text nodes), never as HTML.
 */
'use strict';

(function () {
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December'];
  const STANCE_VERB = {
    asserts: 'says', denies: 'denies', estimates: 'estimates',
    condemns: 'condemns', withholds: 'withholds a figure',
  };
  const STANCE_LABEL = {
    asserts: 'asserts', denies: 'denies', estimates: 'estimate',
    condemns: 'condemns', withholds: 'withheld',
  };
  const VERDICT_LABEL = {
    true: 'True', mostly_true: 'Mostly true', mixed: 'Mixed',
    mostly_false: 'Mostly false', false: 'False', unverifiable: 'Unverifiable',
  };
  const KIND_LABEL = {
    state: 'state', government: 'government', military: 'military',
    organization: 'organization', person: 'person', media: 'media',
    group: 'group', unknown: 'actor',
  };
  const PAGE = 50;

  /* ---- DOM, always with text nodes ---- */

  function h(tag, attrs) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else if (v === true) el.setAttribute(k, '');
        else el.setAttribute(k, String(v));
      }
    }
    for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      for (const c of child) append(el, c);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }

  function joined(nodes, sep) {
    const out = [];
    nodes.forEach((n, i) => {
      if (i) out.push(sep);
      out.push(n);
    });
    return out;
  }

  /* ---- the API ---- */

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(path, params) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const q = qs.toString();
    let res;
    try {
      res = await fetch(path + (q ? '?' + q : ''), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError(0, { detail: 'the server could not be reached' });
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }

  const enc = encodeURIComponent;
  const cache = new Map();

  /* One resource by id, remembered for the page's life; null when gone. */
  function one(collection, id) {
    const key = collection + '/' + id;
    if (!cache.has(key)) {
      cache.set(key, api('/v1/' + collection + '/' + enc(id)).catch((e) => {
        if (e.status === 404) return null;
        cache.delete(key);
        throw e;
      }));
    }
    return cache.get(key);
  }

  /* Every item of a collection (all pages), remembered. */
  function all(collection) {
    const key = 'all:' + collection;
    if (!cache.has(key)) {
      cache.set(key, (async () => {
        const items = [];
        let cursor = null;
        do {
          const page = await api('/v1/' + collection, { limit: 500, cursor });
          items.push(...page.items);
          cursor = page.next_cursor;
        } while (cursor);
        return items;
      })().catch((e) => {
        cache.delete(key);
        throw e;
      }));
    }
    return cache.get(key);
  }

  /* A bare claim made into a timeline-style entry: claimant and via
   * names, event titles and the source, as the reading routes embed. */
  async function entryOf(claim) {
    const ref = async (coll, id, key) => {
      if (!id) return null;
      const r = await one(coll, id);
      return { id, [key]: r ? r[key] : id };
    };
    const [claimant, via, events, src] = await Promise.all([
      ref('actors', claim.claimant, 'name'),
      ref('actors', claim.via, 'name'),
      Promise.all((claim.events || []).map((e) => ref('events', e, 'title'))),
      claim.source ? one('sources', claim.source) : null,
    ]);
    const source = src ? { id: src.id, title: src.title, url: src.url, published: src.published } : null;
    const date = claim.stated || (source && source.published) || null;
    return {
      type: 'claim', date, precision: date ? precisionOf(date) : null,
      dated_by: claim.stated ? 'stated' : source && source.published ? 'source' : null,
      claim, claimant, via, events, source,
    };
  }

  /* ---- dates, numbers ---- */

  const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

  function precisionOf(s) {
    const m = DATE_RE.exec(s || '');
    if (!m) return null;
    return m[4] ? 'time' : m[3] ? 'day' : m[2] ? 'month' : 'year';
  }

  /* A partial date in words at its own precision: "2024", "June 2024",
   * "26 April 2025", "26 April 2025, 14:05 UTC". */
  function formatDate(s) {
    const m = DATE_RE.exec(s || '');
    if (!m) return s || 'undated';
    const [, y, mo, d, hh, mi, , zone] = m;
    if (!mo) return y;
    const month = MONTHS[Number(mo) - 1];
    if (!d) return month + ' ' + y;
    const day = Number(d) + ' ' + month + ' ' + y;
    if (!hh) return day;
    return day + ', ' + hh + ':' + mi + ' ' + (zone === 'Z' ? 'UTC' : 'UTC' + zone);
  }

  /* The start of a partial date's interval, in ms since 1970 UTC (a
   * date-time at its offset); NaN when it is not a date. */
  function startMs(s) {
    const m = DATE_RE.exec(s || '');
    if (!m) return NaN;
    if (m[4]) return Date.parse(s);
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
    return d.getTime();
  }

  const PRECISION_RANK = { year: 1, month: 2, day: 3, time: 4 };

  /* Events in the timeline's order: the start of their interval, then
   * coarser precision first, then id; undated ones last. */
  function timelineOrder(a, b) {
    const ta = startMs(a.start);
    const tb = startMs(b.start);
    if (Number.isNaN(ta) || Number.isNaN(tb)) {
      if (!Number.isNaN(ta) || !Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    } else if (ta !== tb) {
      return ta - tb;
    }
    const pa = PRECISION_RANK[precisionOf(a.start)] || 9;
    const pb = PRECISION_RANK[precisionOf(b.start)] || 9;
    if (pa !== pb) return pa - pb;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /* The server's rule: a real calendar date, at any precision. */
  function validDate(s) {
    const m = DATE_RE.exec(s);
    if (!m) return false;
    const [, y, mo, d, hh, mi, ss] = m;
    if (mo && (Number(mo) < 1 || Number(mo) > 12)) return false;
    if (d) {
      const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
      if (Number(d) < 1 || Number(d) > days) return false;
    }
    if (hh && (Number(hh) > 23 || Number(mi) > 59 || (ss && Number(ss) > 59))) return false;
    return true;
  }

  function timeEl(s) {
    if (!s) return h('span', { class: 'undated' }, 'undated');
    return h('time', { datetime: s }, formatDate(s));
  }

  function rangeEl(start, end) {
    if (!end) return timeEl(start);
    return h('span', { class: 'range' }, timeEl(start), ' – ', timeEl(end));
  }

  function num(n) {
    return typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(n);
  }

  /* "about 11,000 troops (between 10,000 and 12,000)" */
  function formatQuantity(q) {
    const unit = q.unit ? ' ' + q.unit : '';
    const has = (v) => typeof v === 'number';
    let bounds = '';
    if (has(q.low) && has(q.high)) bounds = 'between ' + num(q.low) + ' and ' + num(q.high);
    else if (has(q.low)) bounds = 'at least ' + num(q.low);
    else if (has(q.high)) bounds = 'at most ' + num(q.high);
    if (has(q.value)) {
      return (q.approximate ? 'about ' : '') + num(q.value) + unit + (bounds ? ' (' + bounds + ')' : '');
    }
    if (bounds) return (q.approximate ? 'roughly ' : '') + bounds + unit;
    return q.unit ? 'a number of ' + q.unit + ' (no figure given)' : 'no figure given';
  }

  /* ---- routing ---- */

  function parseHash() {
    const raw = decodeHashPath(location.hash);
    const at = raw.indexOf('?');
    const path = at < 0 ? raw : raw.slice(0, at);
    const params = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
    const seg = path.split('/').filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch (e) {
        return s;
      }
    });
    return { seg, params };
  }

  function decodeHashPath(hash) {
    const s = (hash || '').replace(/^#/, '');
    return s === '' || s === '/' ? '/timeline' : s;
  }

  function route(path, params) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const q = qs.toString();
    return '#' + path + (q ? '?' + q : '');
  }

  const actorHref = (id) => route('/actor/' + enc(id));
  const eventHref = (id) => route('/event/' + enc(id));
  const claimHref = (id) => route('/claim/' + enc(id));
  const sourceHref = (id) => route('/source/' + enc(id));

  function actorLink(ref) {
    if (!ref) return h('span', { class: 'unknown' }, 'unknown');
    return h('a', { href: actorHref(ref.id), class: 'actor' }, ref.name || ref.id);
  }

  function eventLink(ref) {
    return h('a', { href: eventHref(ref.id), class: 'event-link' }, ref.title || ref.id);
  }

  /* ---- pieces of views ---- */

  function heading(level, attrs) {
    const args = Array.prototype.slice.call(arguments, 2);
    return h.apply(null, ['h' + Math.min(6, Math.max(1, level)), attrs].concat(args));
  }

  function errorBox(err) {
    const p = err && err.problem;
    const box = h('div', { class: 'error', role: 'alert' },
      h('p', null, h('strong', null, err && err.status === 404 ? 'Not found. ' : 'Something went wrong. '),
        err ? err.message : ''));
    if (p && Array.isArray(p.errors) && p.errors.length) {
      box.appendChild(h('ul', null, p.errors.map((e) =>
        h('li', null, (e.parameter || e.pointer || '') + ': ' + (e.detail || '')))));
    }
    return box;
  }

  function disputedBadge(claimId) {
    return h('a', { class: 'badge disputed', href: claimHref(claimId),
      title: 'Another claim contradicts this one' }, 'Disputed');
  }

  function sourceRef(src) {
    if (!src) return null;
    const parts = [];
    if (src.url) {
      parts.push(h('a', { href: src.url, class: 'source-link', rel: 'noopener noreferrer external' }, src.title || src.url));
      parts.push(' ', h('a', { href: sourceHref(src.id), class: 'aside' }, '(claims from it)'));
    } else {
      parts.push(h('a', { href: sourceHref(src.id), class: 'source-link' }, src.title || src.id));
    }
    if (src.published) parts.push(', published ', timeEl(src.published));
    return parts;
  }

  /* A claim as a card.  `level` is its heading level. */
  function claimCard(entry, level, opts) {
    const c = entry.claim;
    opts = opts || {};
    const classes = ['card', 'claim', 'stance-' + c.stance];
    if (c.disputed) classes.push('is-disputed');
    const art = h('article', { class: classes.join(' '), 'data-claim': c.id, tabindex: '-1' });

    const meta = h('p', { class: 'meta' }, h('span', { class: 'kind' }, 'Claim'), ' · ');
    if (entry.date) {
      meta.appendChild(timeEl(entry.date));
      if (entry.dated_by === 'source') meta.appendChild(h('span', { class: 'dated-by' }, ' (date of the source; the statement itself is undated)'));
    } else {
      meta.appendChild(h('span', { class: 'undated' }, 'no date'));
    }
    art.appendChild(meta);

    const head = heading(level, { class: 'who' }, actorLink(entry.claimant), ' ',
      h('span', { class: 'stance' }, STANCE_VERB[c.stance] || c.stance));
    if (entry.via) head.append(h('span', { class: 'via' }, ' (via ', actorLink(entry.via), ')'));
    art.appendChild(head);

    const badges = [];
    if (c.disputed) badges.push(disputedBadge(c.id));
    if (c.stance === 'withholds') badges.push(h('span', { class: 'badge withheld' }, 'Withheld'));
    else if (c.stance !== 'asserts') badges.push(h('span', { class: 'badge stance' }, STANCE_LABEL[c.stance] || c.stance));
    if (c.verdict) badges.push(h('span', { class: 'badge verdict verdict-' + c.verdict }, 'Verdict: ' + (VERDICT_LABEL[c.verdict] || c.verdict)));
    if (badges.length) art.appendChild(h('p', { class: 'badges' }, joined(badges, ' ')));

    art.appendChild(h('p', { class: 'text' }, c.text));

    if (c.stance === 'withholds') {
      art.appendChild(h('p', { class: 'withheld-by' }, 'Figure withheld by ', actorLink(entry.claimant),
        c.quantity && c.quantity.unit ? ': no number of ' + c.quantity.unit + ' given.' : ': no figure given.'));
    }
    if (c.quantity) {
      art.appendChild(h('p', { class: 'quantity' }, h('span', { class: 'label' }, 'Figure: '), formatQuantity(c.quantity)));
    }
    if (c.quote) {
      const fig = h('figure', { class: 'quote' },
        h('blockquote', entry.source && entry.source.url ? { cite: entry.source.url } : null, h('p', null, c.quote)));
      const cap = h('figcaption', null, '— ', entry.claimant ? entry.claimant.name : 'unknown');
      if (entry.source) append(cap, [', in ', sourceRef(entry.source)]);
      fig.appendChild(cap);
      art.appendChild(fig);
    } else if (entry.source) {
      art.appendChild(h('p', { class: 'source' }, h('span', { class: 'label' }, 'Source: '), sourceRef(entry.source)));
    }
    if (entry.events && entry.events.length && !opts.hideEvents) {
      art.appendChild(h('p', { class: 'about' }, h('span', { class: 'label' }, 'About: '),
        joined(entry.events.filter(Boolean).map(eventLink), '; ')));
    }
    if (!opts.noDetails && c.relations && c.relations.length) {
      const n = c.relations.length;
      art.appendChild(h('p', { class: 'more-link' }, h('a', { href: claimHref(c.id) },
        n + (n === 1 ? ' related claim' : ' related claims'), c.disputed ? ', including what contradicts it' : '')));
    }
    return art;
  }

  /* An event as a card on the timeline. */
  function eventCard(entry, level) {
    const e = entry.event;
    const art = h('article', { class: 'card event', 'data-event': e.id, tabindex: '-1' });
    art.appendChild(h('p', { class: 'meta' }, h('span', { class: 'kind' }, 'Event'), ' · ',
      rangeEl(e.start, e.end), e.kind ? ' · ' + e.kind.replace(/_/g, ' ') : ''));
    art.appendChild(heading(level, { class: 'title' }, eventLink(e)));
    const facts = [];
    if (e.location && (e.location.name || e.location.country)) {
      facts.push(h('span', null, h('span', { class: 'label' }, 'Where: '),
        [e.location.name, e.location.country].filter(Boolean).join(', ')));
    }
    if (entry.part_of) facts.push(h('span', null, h('span', { class: 'label' }, 'Part of: '), eventLink(entry.part_of)));
    if (facts.length) art.appendChild(h('p', { class: 'facts' }, joined(facts, ' · ')));
    if (e.description) {
      art.appendChild(h('details', { class: 'description' }, h('summary', null, 'Description'), h('p', null, e.description)));
    }
    art.appendChild(h('p', { class: 'more-link' }, h('a', { href: eventHref(e.id) }, 'What each side said about it')));
    return art;
  }

  function entryCard(entry, level, opts) {
    return entry.type === 'event' ? eventCard(entry, level) : claimCard(entry, level, opts);
  }

  /* A "Load more" button that follows next_cursor. */
  function pager(fetchPage, show) {
    const button = h('button', { type: 'button', class: 'more' }, 'Load more');
    const wrap = h('div', { class: 'pager', hidden: true }, button);
    let cursor = null;
    async function load(first) {
      button.disabled = true;
      button.textContent = 'Loading…';
      try {
        const page = await fetchPage(first ? null : cursor);
        const added = show(page, first);
        cursor = page.next_cursor;
        wrap.hidden = !cursor;
        if (!first && added && typeof added.focus === 'function') added.focus();
        status(first ? '' : 'More entries loaded');
      } finally {
        button.disabled = false;
        button.textContent = 'Load more';
      }
    }
    button.addEventListener('click', () => {
      load(false).catch((err) => wrap.appendChild(errorBox(err)));
    });
    return { wrap, load };
  }

  function status(text) {
    const s = document.getElementById('status');
    if (s) s.textContent = text;
  }

  /* ---- dispute rendering (disputes view, event view, timeline) ---- */

  async function disputeBlock(d, level) {
    const entries = await Promise.all(d.claims.map(entryOf));
    entries.forEach((en, i) => {
      if (d.claimants && d.claimants[i]) en.claimant = d.claimants[i];
    });
    const sec = h('section', { class: 'dispute', 'data-relation': d.relation });
    sec.appendChild(heading(level, { class: 'dispute-title' },
      joined(entries.map((en) => actorLink(en.claimant)), h('span', { class: 'vs' }, ' versus '))));
    if (d.events && d.events.length) {
      sec.appendChild(h('p', { class: 'about' }, h('span', { class: 'label' }, 'About: '),
        joined(d.events.map(eventLink), '; ')));
    }
    const sides = h('div', { class: 'sides' });
    entries.forEach((en, i) => {
      sides.appendChild(h('div', { class: 'side side-' + (i ? 'b' : 'a') },
        claimCard(en, level + 1, { hideEvents: true, noDetails: true })));
    });
    sec.appendChild(sides);
    if (d.note) sec.appendChild(h('p', { class: 'note' }, h('span', { class: 'label' }, 'Why they conflict: '), d.note));
    return sec;
  }

  /* ---- filters shared by views ---- */

  function byTree(items, parentKey, sortKey) {
    const ids = new Set(items.map((x) => x.id));
    const children = new Map();
    const roots = [];
    for (const it of items) {
      const p = it[parentKey];
      if (p && ids.has(p) && p !== it.id) {
        if (!children.has(p)) children.set(p, []);
        children.get(p).push(it);
      } else {
        roots.push(it);
      }
    }
    const sort = (list) => (sortKey ? list.slice().sort((a, b) => sortKey(a).localeCompare(sortKey(b))) : list);
    const out = [];
    const seen = new Set();
    const walk = (list, depth) => {
      for (const it of sort(list)) {
        if (seen.has(it.id)) continue;
        seen.add(it.id);
        out.push({ item: it, depth });
        walk(children.get(it.id) || [], depth + 1);
      }
    };
    walk(roots, 0);
    return out;
  }

  function selectOf(id, label, options, value, emptyLabel) {
    const sel = h('select', { id, name: id });
    sel.appendChild(h('option', { value: '' }, emptyLabel));
    for (const o of options) {
      const opt = h('option', { value: o.value }, '\u00a0\u00a0'.repeat(o.depth || 0) + o.label);
      if (o.value === value) opt.selected = true;
      sel.appendChild(opt);
    }
    return [h('label', { for: id }, label), sel];
  }

  /* ---- views ---- */

  const views = {};

  /* #/timeline?event=&actor=&parts=0&from=&to=&types=&disputed=true&order=desc&q= */
  views.timeline = async function (root, params) {
    const f = {
      event: params.get('event') || '',
      actor: params.get('actor') || '',
      parts: params.get('parts') !== '0',
      from: params.get('from') || '',
      to: params.get('to') || '',
      types: params.get('types') || '',
      disputed: params.get('disputed') === 'true',
      order: params.get('order') === 'desc' ? 'desc' : 'asc',
      q: (params.get('q') || '').trim(),
    };
    setTitle('Timeline');
    root.appendChild(h('h1', { tabindex: '-1' }, 'Timeline'));
    root.appendChild(h('p', { class: 'lede' },
      'Events and what was said about them, in date order. Dates are as precise as the sources give them: ',
      'a year, a month or a day.'));

    const [events, actors] = await Promise.all([all('events'), all('actors')]);
    const form = h('form', { class: 'filters', id: 'timeline-filters' });
    const eventOpts = byTree(events, 'part_of', (e) => e.start + ' ' + e.title)
      .map(({ item, depth }) => ({ value: item.id, label: item.title, depth }));
    const actorOpts = byTree(actors, 'part_of', (a) => a.name)
      .map(({ item, depth }) => ({ value: item.id, label: item.name, depth }));
    const typesSel = h('select', { id: 'f-types', name: 'types' },
      h('option', { value: '' }, 'Events and claims'),
      h('option', { value: 'event' }, 'Events only'),
      h('option', { value: 'claim' }, 'Claims only'));
    typesSel.value = f.types === 'event' || f.types === 'claim' ? f.types : '';
    const orderSel = h('select', { id: 'f-order', name: 'order' },
      h('option', { value: 'asc' }, 'Oldest first'), h('option', { value: 'desc' }, 'Newest first'));
    orderSel.value = f.order;
    const dateError = h('p', { class: 'field-error', id: 'date-error', role: 'alert', hidden: true });
    form.append(
      h('div', { class: 'field' }, selectOf('f-event', 'Event', eventOpts, f.event, 'Any event')),
      h('div', { class: 'field' }, selectOf('f-actor', 'Actor', actorOpts, f.actor, 'Anyone'),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'f-parts', name: 'parts', checked: f.parts }),
          ' with its parts (ministries, people…)')),
      h('div', { class: 'field' }, h('label', { for: 'f-from' }, 'From'),
        h('input', { id: 'f-from', name: 'from', value: f.from, placeholder: 'e.g. 2024 or 2024-06', inputmode: 'numeric', 'aria-describedby': 'date-help' })),
      h('div', { class: 'field' }, h('label', { for: 'f-to' }, 'To'),
        h('input', { id: 'f-to', name: 'to', value: f.to, placeholder: 'e.g. 2025-04-30', inputmode: 'numeric', 'aria-describedby': 'date-help' })),
      h('div', { class: 'field' }, h('label', { for: 'f-q' }, 'Words'),
        h('input', { id: 'f-q', name: 'q', type: 'search', value: f.q, placeholder: 'e.g. liberated' })),
      h('div', { class: 'field' }, h('label', { for: 'f-types' }, 'Show'), typesSel),
      h('div', { class: 'field' }, h('label', { for: 'f-order' }, 'Order'), orderSel),
      h('div', { class: 'field' }, h('label', { class: 'check' },
        h('input', { type: 'checkbox', id: 'f-disputed', name: 'disputed', checked: f.disputed }), ' Only disputed claims')),
      h('p', { id: 'date-help', class: 'help' }, 'Dates: YYYY, YYYY-MM or YYYY-MM-DD.'),
      dateError,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply'),
        ' ', h('a', { href: '#/timeline', class: 'button-like' }, 'Clear')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = (name) => form.elements[name].value.trim();
      /* Checked here as the server would, so a typo is explained at once. */
      const bad = ['f-from', 'f-to'].filter((n) => v(n) !== '' && !validDate(v(n)));
      for (const n of ['f-from', 'f-to']) {
        if (bad.includes(n)) form.elements[n].setAttribute('aria-invalid', 'true');
        else form.elements[n].removeAttribute('aria-invalid');
      }
      if (bad.length) {
        dateError.textContent = (bad.includes('f-from') ? '“From”' : '“To”') +
          ' is not a date. Write a year (2024), a month (2024-06) or a day (2024-06-30).';
        dateError.hidden = false;
        form.elements[bad[0]].focus();
        return;
      }
      dateError.hidden = true;
      const hasActor = v('f-actor') !== '';
      go(route('/timeline', {
        event: v('f-event'), actor: v('f-actor'),
        parts: hasActor && !form.elements['f-parts'].checked ? '0' : '',
        from: v('f-from'), to: v('f-to'), q: v('f-q'), types: v('f-types'),
        order: v('f-order') === 'desc' ? 'desc' : '',
        disputed: form.elements['f-disputed'].checked ? 'true' : '',
      }));
    });
    root.appendChild(h('details', { class: 'filter-box', open: !window.matchMedia('(max-width: 40rem)').matches || hasFilters(f) },
      h('summary', null, 'Filter the timeline'), form));

    const summary = describeFilters(f, events, actors);
    if (summary) root.appendChild(h('p', { class: 'showing' }, summary));

    if (!hasFilters(f)) {
      const d = await api('/v1/disputes', { limit: 3 });
      if (d.items.length) {
        const box = h('aside', { class: 'callout', 'aria-labelledby': 'disputed-now' },
          h('h2', { id: 'disputed-now' }, 'Disputed'),
          h('ul', null, await Promise.all(d.items.map(async (it) => h('li', null,
            joined(it.claimants.map(actorLink), ' versus '), ': ',
            it.note || (it.claims[0].text + ' / ' + it.claims[1].text))))),
          h('p', null, h('a', { href: '#/disputes' }, 'See every dispute side by side')));
        root.appendChild(box);
      }
    }

    const list = h('ol', { class: 'timeline' });
    root.appendChild(list);
    let lastDate = null;
    let group = null;
    const needle = f.q.toLowerCase();
    const matches = (en) => {
      if (!needle) return true;
      const words = en.type === 'event'
        ? [en.event.title, en.event.description, en.event.location && en.event.location.name, en.event.kind]
        : [en.claim.text, en.claim.quote, en.claimant && en.claimant.name, en.via && en.via.name];
      return words.some((w) => typeof w === 'string' && w.toLowerCase().includes(needle));
    };
    const params0 = {
      event: f.event, actor: f.actor, include_parts: f.actor && f.parts ? 'true' : '',
      from: f.from, to: f.to, types: f.types, disputed: f.disputed ? 'true' : '',
      order: f.order === 'desc' ? 'desc' : '',
    };
    const p = pager(async (cursor) => {
      if (!needle) return api('/v1/timeline', Object.assign({ limit: PAGE, cursor }, params0));
      /* Words are matched here, over whole pages, until a page's worth. */
      const items = [];
      let next = cursor;
      do {
        const page = await api('/v1/timeline', Object.assign({ limit: 200, cursor: next }, params0));
        items.push(...page.items.filter(matches));
        next = page.next_cursor;
      } while (next && items.length < 20);
      return { items, next_cursor: next };
    }, (page, first) => {
      let firstNew = null;
      for (const en of page.items) {
        const key = en.date || '';
        if (key !== lastDate || !group) {
          lastDate = key;
          group = h('ol', { class: 'entries' });
          list.appendChild(h('li', { class: 'day' }, h('h2', { class: 'date' }, timeEl(en.date)), group));
        }
        const card = entryCard(en, 3);
        group.appendChild(h('li', null, card));
        firstNew = firstNew || card;
      }
      if (first && !page.items.length) {
        list.replaceWith(h('p', { class: 'empty' }, 'Nothing on the timeline matches these filters.'));
      }
      return firstNew;
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  function hasFilters(f) {
    return Boolean(f.event || f.actor || f.from || f.to || f.types || f.disputed || f.q || f.order === 'desc');
  }

  function describeFilters(f, events, actors) {
    const bits = [];
    if (f.types === 'event') bits.push('events only');
    if (f.types === 'claim') bits.push('claims only');
    if (f.disputed) bits.push('disputed claims only');
    if (f.event) {
      const e = events.find((x) => x.id === f.event);
      bits.push(h('span', null, 'about ', e ? eventLink(e) : f.event, ' and its parts'));
    }
    if (f.actor) {
      const a = actors.find((x) => x.id === f.actor);
      bits.push(h('span', null, 'involving ', a ? actorLink(a) : f.actor, f.parts ? ' and its parts' : ''));
    }
    if (f.from) bits.push(h('span', null, 'from ', timeEl(f.from)));
    if (f.to) bits.push(h('span', null, 'to ', timeEl(f.to)));
    if (f.q) bits.push('containing “' + f.q + '”');
    if (f.order === 'desc') bits.push('newest first');
    if (!bits.length) return null;
    return ['Showing ', joined(bits, ', '), '. ', h('a', { href: '#/timeline' }, 'Show everything')];
  }

  /* #/actor/{id}?parts=0 */
  views.actor = async function (root, params, id) {
    const actor = await one('actors', id);
    if (!actor) throw new ApiError(404, { detail: 'no actor with id "' + id + '"' });
    const parts = params.get('parts') !== '0';
    setTitle(actor.name);
    root.appendChild(h('p', { class: 'crumb' }, h('a', { href: '#/actors' }, 'Actors')));
    root.appendChild(h('h1', { tabindex: '-1' }, actor.name));
    const facts = [KIND_LABEL[actor.kind] || actor.kind];
    if (actor.country) facts.push(actor.country);
    const meta = h('p', { class: 'meta' }, facts.join(' · '));
    if (actor.part_of) {
      const parent = await one('actors', actor.part_of);
      meta.append(' · part of ', actorLink({ id: actor.part_of, name: parent ? parent.name : actor.part_of }));
    }
    root.appendChild(meta);
    if (actor.aliases && actor.aliases.length) root.appendChild(h('p', { class: 'aliases' }, 'Also called: ', actor.aliases.join('; ')));
    if (actor.description) root.appendChild(h('p', null, actor.description));

    const subs = await api('/v1/actors', { part_of: id, limit: 500 });
    if (subs.items.length) {
      root.appendChild(h('p', { class: 'parts' }, 'Its parts: ', joined(subs.items.map(actorLink), ', ')));
    }
    root.appendChild(h('p', { class: 'see-also' },
      h('a', { href: route('/timeline', { actor: id }) }, 'Events it took part in, on the timeline'), ' · ',
      h('a', { href: route('/disputes', { actor: id }) }, 'Disputes involving it')));

    root.appendChild(h('h2', null, 'Statements'));
    const toggle = h('input', { type: 'checkbox', id: 'with-parts', checked: parts });
    toggle.addEventListener('change', () => go(route('/actor/' + enc(id), { parts: toggle.checked ? '' : '0' })));
    root.appendChild(h('p', { class: 'check' }, h('label', { for: 'with-parts' }, toggle,
      ' Include statements by its parts (ministries, commanders, …)')));
    const list = h('ol', { class: 'statements' });
    root.appendChild(list);
    const p = pager((cursor) => api('/v1/actors/' + enc(id) + '/statements',
      { include_parts: parts ? 'true' : '', limit: PAGE, cursor }), (page, first) => {
      let firstNew = null;
      for (const en of page.items) {
        const card = claimCard(en, 3);
        list.appendChild(h('li', null, card));
        firstNew = firstNew || card;
      }
      if (first && !page.items.length) {
        list.replaceWith(h('p', { class: 'empty' }, 'No statements by ' + actor.name + (parts ? ' or its parts' : '') + ' are recorded.'));
      }
      return firstNew;
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  /* #/event/{id}?by=stance */
  views.event = async function (root, params, id) {
    const ev = await one('events', id);
    if (!ev) throw new ApiError(404, { detail: 'no event with id "' + id + '"' });
    const by = params.get('by') === 'stance' ? 'stance' : 'claimant';
    setTitle(ev.title);
    root.appendChild(h('p', { class: 'crumb' }, h('a', { href: '#/events' }, 'Events')));
    root.appendChild(h('h1', { tabindex: '-1' }, ev.title));
    const meta = h('p', { class: 'meta' }, rangeEl(ev.start, ev.end));
    if (ev.kind) meta.append(' · ', ev.kind.replace(/_/g, ' '));
    if (ev.location && (ev.location.name || ev.location.country)) {
      meta.append(' · ', [ev.location.name, ev.location.country].filter(Boolean).join(', '));
    }
    root.appendChild(meta);
    if (ev.part_of) {
      const parent = await one('events', ev.part_of);
      root.appendChild(h('p', null, 'Part of ', eventLink({ id: ev.part_of, title: parent ? parent.title : ev.part_of })));
    }
    if (ev.description) root.appendChild(h('p', { class: 'description' }, ev.description));
    if (ev.participants && ev.participants.length) {
      const names = await Promise.all(ev.participants.map((p) => one('actors', p.actor)));
      root.appendChild(h('h2', null, 'Who took part'));
      root.appendChild(h('ul', { class: 'participants' }, ev.participants.map((p, i) => h('li', null,
        actorLink({ id: p.actor, name: names[i] ? names[i].name : p.actor }), p.role ? ' — ' + p.role : ''))));
    }
    const subs = await api('/v1/events', { part_of: id, limit: 500 });
    if (subs.items.length) {
      root.appendChild(h('h2', null, 'Within it'));
      root.appendChild(h('ul', { class: 'sub-events' }, subs.items.slice().sort(timelineOrder).map((s) => h('li', null,
        rangeEl(s.start, s.end), ': ', eventLink(s)))));
    }
    root.appendChild(h('p', { class: 'see-also' }, h('a', { href: route('/timeline', { event: id }) }, 'This event on the timeline')));

    const disputes = await api('/v1/disputes', { event: id, limit: 20 });
    if (disputes.items.length) {
      const sec = h('section', { class: 'event-disputes', 'aria-labelledby': 'ev-disputed' },
        h('h2', { id: 'ev-disputed' }, 'Disputed'));
      for (const d of disputes.items) sec.appendChild(await disputeBlock(d, 3));
      if (disputes.next_cursor) sec.appendChild(h('p', null, h('a', { href: route('/disputes', { event: id }) }, 'More disputes about it')));
      root.appendChild(sec);
    }

    root.appendChild(h('h2', { id: 'said' }, by === 'stance' ? 'What was said, by stance' : 'What each side said'));
    const other = by === 'stance' ? 'claimant' : 'stance';
    root.appendChild(h('p', { class: 'check' }, 'Grouped by ', by === 'stance' ? 'stance' : 'who said it', '. ',
      h('a', { href: route('/event/' + enc(id), { by: other === 'stance' ? 'stance' : '' }) },
        other === 'stance' ? 'Group by stance instead' : 'Group by who said it instead')));
    const container = h('div', { class: 'groups' });
    root.appendChild(container);
    const groups = new Map();
    const p = pager((cursor) => api('/v1/events/' + enc(id) + '/statements',
      { group_by: by, limit: PAGE, cursor }), (page, first) => {
      let firstNew = null;
      for (const g of page.groups) {
        let list = groups.get(g.key);
        if (!list) {
          list = h('ol', { class: 'statements' });
          groups.set(g.key, list);
          const title = by === 'claimant'
            ? actorLink({ id: g.key, name: g.label || g.key })
            : (STANCE_LABEL[g.key] || g.key);
          container.appendChild(h('section', { class: 'group', 'data-group': g.key },
            h('h3', null, title), list));
        }
        for (const en of g.items) {
          const card = claimCard(en, 4, { hideEvents: false });
          list.appendChild(h('li', null, card));
          firstNew = firstNew || card;
        }
      }
      if (first && !page.groups.length) container.appendChild(h('p', { class: 'empty' }, 'No claims about this event are recorded.'));
      return firstNew;
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  /* #/disputes?event=&actor= */
  views.disputes = async function (root, params) {
    const event = params.get('event') || '';
    const actor = params.get('actor') || '';
    setTitle('Disputes');
    root.appendChild(h('h1', { tabindex: '-1' }, 'Disputes'));
    root.appendChild(h('p', { class: 'lede' }, 'Claims that contradict each other, side by side, with why they conflict.'));
    if (event || actor) {
      const bits = [];
      if (event) {
        const e = await one('events', event);
        bits.push(h('span', null, 'about ', eventLink({ id: event, title: e ? e.title : event })));
      }
      if (actor) {
        const a = await one('actors', actor);
        bits.push(h('span', null, 'involving ', actorLink({ id: actor, name: a ? a.name : actor }), ' or its parts'));
      }
      root.appendChild(h('p', { class: 'showing' }, 'Showing disputes ', joined(bits, ', '), '. ', h('a', { href: '#/disputes' }, 'Show all')));
    }
    const list = h('div', { class: 'disputes' });
    root.appendChild(list);
    /* Dispute blocks need names looked up: they are built with the page. */
    const p = pager(async (cursor) => {
      const page = await api('/v1/disputes', { event, actor, include_parts: actor ? 'true' : '', limit: 20, cursor });
      page.blocks = [];
      for (const d of page.items) page.blocks.push(await disputeBlock(d, 2));
      return page;
    }, (page, first) => {
      for (const b of page.blocks) {
        b.setAttribute('tabindex', '-1');
        list.appendChild(b);
      }
      if (first && !page.items.length) list.appendChild(h('p', { class: 'empty' }, 'No disputes are recorded.'));
      return page.blocks[0];
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  /* #/claim/{id} */
  views.claim = async function (root, params, id) {
    const claim = await one('claims', id);
    if (!claim) throw new ApiError(404, { detail: 'no claim with id "' + id + '"' });
    const entry = await entryOf(claim);
    setTitle('Claim by ' + (entry.claimant ? entry.claimant.name : '?'));
    root.appendChild(h('h1', { tabindex: '-1' }, 'Claim by ', actorLink(entry.claimant)));
    root.appendChild(claimCard(entry, 2, { noDetails: true }));
    if (claim.relations && claim.relations.length) {
      root.appendChild(h('h2', null, 'Related claims'));
      const list = h('ul', { class: 'relations' });
      root.appendChild(list);
      for (const r of claim.relations) {
        const other = await one('claims', r.claim);
        const li = h('li', { class: 'relation relation-' + r.type },
          h('h3', null, relationPhrase(r)));
        if (r.note) li.appendChild(h('p', { class: 'note' }, r.note));
        if (other) li.appendChild(claimCard(await entryOf(other), 4, { noDetails: true }));
        list.appendChild(li);
      }
    }
  };

  function relationPhrase(r) {
    switch (r.type) {
      case 'contradicts': return 'Contradicted by';
      case 'supports': return 'Supported by';
      case 'corrects': return r.direction === 'in' ? 'Corrected by' : 'Corrects';
      case 'responds_to': return r.direction === 'in' ? 'Answered by' : 'Responds to';
      default: return r.type;
    }
  }

  /* #/source/{id} */
  views.source = async function (root, params, id) {
    const src = await one('sources', id);
    if (!src) throw new ApiError(404, { detail: 'no source with id "' + id + '"' });
    setTitle(src.title);
    root.appendChild(h('h1', { tabindex: '-1' }, src.title));
    const meta = [];
    if (src.publisher) meta.push(src.publisher);
    if (src.published) meta.push(h('span', null, 'published ', timeEl(src.published)));
    if (src.kind) meta.push(src.kind.replace(/_/g, ' '));
    if (src.language) meta.push('language: ' + src.language);
    root.appendChild(h('p', { class: 'meta' }, joined(meta, ' · ')));
    if (src.url) root.appendChild(h('p', null, 'Read it at ', h('a', { href: src.url, rel: 'noopener noreferrer external' }, src.url)));
    if (src.text) {
      root.appendChild(h('details', { class: 'source-text' }, h('summary', null, 'Full text as stored'),
        h('div', { class: 'prose' }, src.text.split(/\n{2,}/).map((para) => h('p', null, para)))));
    }
    root.appendChild(h('h2', null, 'Claims citing it'));
    const list = h('ol', { class: 'statements' });
    root.appendChild(list);
    const p = pager(async (cursor) => {
      const page = await api('/v1/claims', { source: id, limit: PAGE, cursor });
      page.entries = await Promise.all(page.items.map(entryOf));
      return page;
    }, (page, first) => {
      let firstNew = null;
      for (const en of page.entries) {
        const card = claimCard(en, 3);
        list.appendChild(h('li', null, card));
        firstNew = firstNew || card;
      }
      if (first && !page.entries.length) list.replaceWith(h('p', { class: 'empty' }, 'No claim cites this source.'));
      return firstNew;
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  /* #/actors */
  views.actors = async function (root) {
    setTitle('Actors');
    root.appendChild(h('h1', { tabindex: '-1' }, 'Actors'));
    root.appendChild(h('p', { class: 'lede' }, 'Who speaks or acts. Choose one to read its statements.'));
    const actors = await all('actors');
    root.appendChild(treeList(actors, 'part_of', (a) => a.name, (a) => [actorLink(a),
      h('span', { class: 'aside' }, ' ', [KIND_LABEL[a.kind] || a.kind, a.country].filter(Boolean).join(', '))]));
  };

  /* #/events */
  views.events = async function (root) {
    setTitle('Events');
    root.appendChild(h('h1', { tabindex: '-1' }, 'Events'));
    root.appendChild(h('p', { class: 'lede' }, 'What happened, in date order, with the events within each.'));
    const events = await all('events');
    root.appendChild(treeList(events, 'part_of', (e) => sortableDate(e.start) + ' ' + e.title, (e) => [
      rangeEl(e.start, e.end), ': ', eventLink(e)]));
  };

  function sortableDate(s) {
    return (s || '9999').padEnd(25, ' ');
  }

  function treeList(items, parentKey, sortKey, render) {
    const rows = byTree(items, parentKey, sortKey);
    const top = h('ul', { class: 'tree' });
    const stack = [top];
    let lastLi = null;
    for (const { item, depth } of rows) {
      while (stack.length - 1 < depth && lastLi) {
        const ul = h('ul');
        lastLi.appendChild(ul);
        stack.push(ul);
      }
      while (stack.length - 1 > depth) stack.pop();
      lastLi = h('li', null, render(item));
      stack[stack.length - 1].appendChild(lastLi);
    }
    return top;
  }

  /* #/search?q=&types= */
  views.search = async function (root, params) {
    const q = (params.get('q') || '').trim();
    const types = (params.get('types') || '').split(',').filter(Boolean);
    setTitle(q ? 'Search: ' + q : 'Search');
    root.appendChild(h('h1', { tabindex: '-1' }, 'Search'));
    const form = h('form', { class: 'filters search-form', role: 'search' });
    const input = h('input', { type: 'search', id: 's-q', name: 'q', value: q, required: true });
    const boxes = ['claim', 'event', 'actor', 'source'].map((t) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'types', value: t, checked: !types.length || types.includes(t) }), ' ' + t + 's'));
    form.append(h('div', { class: 'field wide' }, h('label', { for: 's-q' }, 'Words'), input),
      h('fieldset', { class: 'field' }, h('legend', null, 'Look in'), boxes),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const chosen = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
      go(route('/search', { q: input.value.trim(), types: chosen.length === 4 || !chosen.length ? '' : chosen.join(',') }));
    });
    root.appendChild(form);
    const sb = document.getElementById('searchbox-q');
    if (sb) sb.value = q;
    if (!q) {
      root.appendChild(h('p', { class: 'help' }, 'Every word must match, in any form (killed also finds kill); ' +
        'a last word cut short finds the words it begins (liberat); "quotes" find a phrase, ' +
        '-word leaves out what has the word, OR between two words finds either.'));
      return;
    }
    /* What the box shows when a page of hits cannot be had: a plain
     * sentence, never what the server said about its store. */
    const searchPage = async (cursor) => {
      try {
        return await api('/v1/search', { q, types: types.join(','), limit: PAGE, cursor });
      } catch (e) {
        const why = e.status === 0 ? 'The server could not be reached; try again.'
          : e.status === 503 ? 'The server is busy; try again in a moment.'
            : 'The search could not be done just now; try again.';
        throw new ApiError(e.status, { detail: why });
      }
    };
    let disputed = new Set();
    try {
      const d = await api('/v1/claims', { disputed: 'true', limit: 500 });
      disputed = new Set(d.items.map((c) => c.id));
    } catch (e) {
      /* the marks are a help, not the result */
    }
    const list = h('ol', { class: 'hits' });
    root.appendChild(list);
    const p = pager(searchPage, (page, first) => {
      let firstNew = null;
      for (const hit of page.items) {
        const href = { claim: claimHref, event: eventHref, actor: actorHref, source: sourceHref }[hit.type];
        /* When the snippet is the whole label, the label carries the marks. */
        const plain = (hit.snippet || '').split('<mark>').join('').split('</mark>').join('');
        const same = hit.snippet && plain === hit.label;
        const a = h('a', { href: href ? href(hit.id) : '#/search' }, same ? snippetNodes(hit.snippet) : (hit.label || hit.id));
        const li = h('li', { class: 'hit hit-' + hit.type },
          h('p', { class: 'meta' }, h('span', { class: 'kind' }, hit.type)),
          h('h2', { class: 'hit-label' }, a));
        if (hit.type === 'claim' && disputed.has(hit.id)) li.querySelector('.meta').append(' ', disputedBadge(hit.id));
        if (hit.snippet && !same) li.appendChild(h('p', { class: 'snippet' }, snippetNodes(hit.snippet)));
        list.appendChild(li);
        firstNew = firstNew || a;
      }
      if (first) {
        root.insertBefore(h('p', { class: 'showing' }, page.items.length
          ? (page.next_cursor ? 'Best matches for “' + q + '”, best first.' : page.items.length + (page.items.length === 1 ? ' match' : ' matches') + ' for “' + q + '”, best first.')
          : /[\p{L}\p{N}]/u.test(q) ? 'Nothing matches “' + q + '”.'
            : '“' + q + '” has no word to search for.'), list);
      }
      return firstNew;
    });
    root.appendChild(p.wrap);
    await p.load(true);
  };

  /* The snippet marks matches with the literal <mark> and </mark>; every
   * other character is text. */
  function snippetNodes(s) {
    const out = [];
    const parts = s.split('<mark>');
    if (parts[0]) out.push(document.createTextNode(parts[0]));
    for (let i = 1; i < parts.length; i++) {
      const end = parts[i].indexOf('</mark>');
      const marked = end < 0 ? parts[i] : parts[i].slice(0, end);
      const rest = end < 0 ? '' : parts[i].slice(end + 7).split('</mark>').join('');
      const m = document.createElement('mark');
      m.appendChild(document.createTextNode(marked));
      out.push(m);
      if (rest) out.push(document.createTextNode(rest));
    }
    return out;
  }

  views.notfound = async function (root) {
    setTitle('Not found');
    root.appendChild(h('h1', { tabindex: '-1' }, 'No such page'));
    root.appendChild(h('p', null, 'Try the ', h('a', { href: '#/timeline' }, 'timeline'), '.'));
  };

  /* ---- the shell ---- */

  function setTitle(t) {
    document.title = t + ' — claimline';
  }

  function go(hash) {
    if (location.hash === hash) render();
    else location.hash = hash;
  }

  let generation = 0;
  let firstRender = true;

  async function render() {
    const main = document.getElementById('main');
    const { seg, params } = parseHash();
    const name = seg[0] || 'timeline';
    const single = ['actor', 'event', 'claim', 'source'].includes(name);
    const view = Object.prototype.hasOwnProperty.call(views, name) && seg.length === (single ? 2 : 1)
      ? views[name] : views.notfound;
    const mine = ++generation;
    const root = h('div', { class: 'view view-' + name, 'data-route': location.hash });
    main.replaceChildren(root);
    main.setAttribute('aria-busy', 'true');
    for (const a of document.querySelectorAll('nav [data-nav]')) {
      const active = a.getAttribute('data-nav') === name ||
        (name === 'actor' && a.getAttribute('data-nav') === 'actors') ||
        (name === 'event' && a.getAttribute('data-nav') === 'events');
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    try {
      await view(root, params, seg[1]);
    } catch (err) {
      if (mine === generation) {
        if (!root.querySelector('h1')) root.appendChild(h('h1', { tabindex: '-1' }, err.status === 404 ? 'Not found' : 'Could not load this view'));
        root.appendChild(errorBox(err));
      }
    }
    if (mine !== generation) return;
    main.removeAttribute('aria-busy');
    root.setAttribute('data-ready', 'true');
    if (!firstRender) {
      const h1 = root.querySelector('h1');
      if (h1) h1.focus();
      window.scrollTo(0, 0);
    }
    firstRender = false;
  }

  function start() {
    const sb = document.getElementById('searchbox');
    sb.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = document.getElementById('searchbox-q').value.trim();
      go(route('/search', { q }));
    });
    window.addEventListener('hashchange', render);
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
