// GET /openapi.json against the running server: the served document passes
// `redocly lint` and `spectral lint` (spectral:oas, tests/web/.spectral.yaml)
// with no errors and no warnings, names every route of handlers/routes.c,
// and real responses (every GET route with demo ids, writes on throwaway
// resources, and the error statuses) validate against the schema the
// document gives for that route, status and content type (ajv, JSON Schema
// 2020-12).  Bodies of successful writes are validated against the request
// schemas too.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, request } from './server.mjs';
import { templateOf } from './paths.mjs';
import { pass, fail, quietPasses, stopServer, finish } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
quietPasses();

/* The routes of handlers/routes.c, as [path, method] pairs. */
const routes = [];
/* Whether the route table serves `method` on document path `p`: an
 * operation documented ahead of its route (merged from another branch) is
 * reported as skipped, not as missing. */
const served = (p, method) => routes.length === 0 || routes.some(([rp, m]) => rp === p && m === method);

const server = await startServer();
const base = server.url;
console.log(`# server at ${base}`);
const tmp = mkdtempSync(join(tmpdir(), 'claimline-openapi-'));

try {
  /* ---- the document ---- */
  const res = await request(base, 'GET', '/openapi.json');
  if (res.status !== 200 || !/^application\/json/.test(res.headers.get('content-type') || '')) {
    throw new Error(`GET /openapi.json: ${res.status} ${res.headers.get('content-type')}`);
  }
  const doc = res.body;
  if (doc.openapi !== '3.1.0') fail(`openapi is ${doc.openapi}, want 3.1.0`);
  const onDisk = join(here, '..', '..', 'web', 'openapi.json');
  if (existsSync(onDisk) && JSON.stringify(JSON.parse(readFileSync(onDisk, 'utf8'))) !== JSON.stringify(doc)) {
    fail('the served document is not web/openapi.json (rebuild the binary)');
  }

  /* redocly lint of exactly what the server serves */
  const file = join(tmp, 'openapi.json');
  writeFileSync(file, res.text);
  const cli = join(here, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  const lint = spawnSync(process.execPath, [cli, 'lint', file, '--format=stylish'], {
    encoding: 'utf8', timeout: 120000,
    env: Object.assign({}, process.env, { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }),
  });
  const lintOut = (lint.stdout || '') + (lint.stderr || '');
  // Findings are "line:col  warning  rule  message" (Node's deprecation
  // banner says "warning" too, and is not one).
  const warnings = (lintOut.match(/^\s*\d+:\d+\s+warning\s/gm) || []).length;
  if (lint.status !== 0 || /\berror\b.*\(/i.test(lint.stdout || '')) {
    fail(`redocly lint reports errors (exit ${lint.status}):\n${lintOut}`);
  } else if (warnings) {
    fail(`redocly lint reports warnings:\n${lintOut}`);
  } else {
    pass('redocly lint: no errors, no warnings');
  }

  /* spectral lint (the spectral:oas ruleset): nothing at all, down to hints */
  const spectral = join(here, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js');
  const sp = spawnSync(process.execPath, [spectral, 'lint', file, '--ruleset', join(here, '.spectral.yaml'),
    '--fail-severity', 'hint', '--format', 'text'], { encoding: 'utf8', timeout: 120000 });
  const spOut = ((sp.stdout || '') + (sp.stderr || '')).trim();
  if (sp.status !== 0) fail(`spectral lint reports problems (exit ${sp.status}):\n${spOut}`);
  else pass('spectral lint: no errors, warnings or hints');

  /* every route of the route table is in the document */
  const routesC = join(here, '..', '..', 'handlers', 'routes.c');
  if (existsSync(routesC)) {
    const src = readFileSync(routesC, 'utf8');
    const missing = [];
    // The resource macro's own lines, expanded for each collection.
    const macro = /#define RESOURCE_ROUTES[\s\S]*?\n\n/.exec(src);
    const suffixes = macro ? [...macro[0].matchAll(/\{"\/v1\/" coll(?: "([^"]*)")?, METHOD_(\w+)/g)].map((m) => [m[1] || '', m[2].toLowerCase()]) : [];
    for (const m of src.matchAll(/^\s*RESOURCE_ROUTES\("(\w+)"/gm)) {
      for (const [suffix, meth] of suffixes) routes.push([`/v1/${m[1]}${suffix}`, meth]);
    }
    for (const m of src.matchAll(/\{\s*"([^"]+)",\s*METHOD_(\w+)/g)) routes.push([m[1], m[2].toLowerCase()]);
    if (routes.length < 20) fail(`could read only ${routes.length} routes from handlers/routes.c`);
    for (const [p, meth] of routes) {
      if (!doc.paths[p] || !doc.paths[p][meth]) missing.push(`${meth.toUpperCase()} ${p}`);
    }
    if (missing.length) fail(`routes of handlers/routes.c missing from the document: ${missing.join(', ')}`);
    else pass(`all ${routes.length} routes of handlers/routes.c are documented`);
  }

  /* ---- ajv over the document's schemas ---- */
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const ROOT = 'https://claimline.invalid/openapi.json';
  ajv.addSchema({ $id: ROOT, components: doc.components });
  const rebase = (v) => {
    if (Array.isArray(v)) return v.map(rebase);
    if (v && typeof v === 'object') {
      const o = {};
      for (const [k, x] of Object.entries(v)) o[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? ROOT + x : rebase(x);
      return o;
    }
    return v;
  };
  const compiled = new Map();
  const validatorFor = (schema, key) => {
    if (!compiled.has(key)) compiled.set(key, ajv.compile(rebase(schema)));
    return compiled.get(key);
  };
  // Every component schema compiles.
  const broken = [];
  for (const name of Object.keys(doc.components.schemas)) {
    try {
      validatorFor({ $ref: '#/components/schemas/' + name }, 'component:' + name);
    } catch (e) {
      broken.push(`${name}: ${e.message}`);
    }
  }
  if (broken.length) fail(`schemas that do not compile:\n  ${broken.join('\n  ')}`);
  else pass(`all ${Object.keys(doc.components.schemas).length} component schemas compile (2020-12)`);
  const deref = (obj) => {
    while (obj && obj.$ref) {
      obj = obj.$ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((o, k) => o && o[k], doc);
    }
    return obj;
  };

  /* ---- real responses, route by route ---- */
  const covered = new Set();

  /* Results per documented operation: one test each. */
  const perOp = new Map();
  function record(op, ok, msg) {
    if (!perOp.has(op)) perOp.set(op, { ok: 0, bad: [] });
    const r = perOp.get(op);
    if (ok) r.ok++;
    else r.bad.push(msg);
  }

  async function t(method, path, opts = {}) {
    const opKey = () => {
      const tpl = templateOf(doc, path);
      return tpl && doc.paths[tpl][method.toLowerCase()] ? `${method} ${tpl}` : `${method} ${path.split("?")[0]} (not an operation of the document)`;
    };
    const fail = (msg) => record(opKey(), false, msg);
    const pass = () => record(opKey(), true);
    const want = opts.status || (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    const headers = Object.assign({}, opts.headers || {});
    let body = opts.body;
    if (body !== undefined && typeof body !== 'string') body = JSON.stringify(body);
    if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = opts.ctype || 'application/json';
    const key = 'key' in opts ? opts.key : server.key;
    if (key === null) headers.Authorization = null;
    const r = await request(base, method, path, body, headers, key);
    const label = `${method} ${path} -> ${r.status}`;
    if (r.status !== want) {
      fail(`${label}, want ${want}: ${r.text.slice(0, 300)}`);
      return r;
    }
    const tpl = templateOf(doc, path);
    const ctype = (r.headers.get('content-type') || '').split(';')[0].trim();
    let responseSpec;
    if (r.status === 405) {
      // Not an operation of the path: every error is a problem document.
      responseSpec = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      if (!r.headers.get('allow')) fail(`${label}: no Allow header`);
    } else if (!tpl) {
      responseSpec = r.status === 404
        ? deref({ $ref: '#/components/responses/NotFound' })
        : null;
    } else {
      const op = doc.paths[tpl][method.toLowerCase()];
      if (!op) {
        fail(`${label}: ${method} ${tpl} is not in the document`);
        return r;
      }
      covered.add(`${method.toLowerCase()} ${tpl}`);
      const undocumented = (op.parameters || []).concat(doc.paths[tpl].parameters || []).map(deref);
      for (const [name] of new URLSearchParams(path.split('?')[1] || '')) {
        if (!undocumented.some((pp) => pp.in === 'query' && pp.name === name) && r.status < 400) {
          fail(`${label}: query parameter ${name} is not documented`);
        }
      }
      responseSpec = deref(op.responses[String(r.status)]);
      if (!responseSpec) {
        fail(`${label}: status ${r.status} is not documented for ${method} ${tpl}`);
        return r;
      }
      // A successful write's body is valid by the request schema too.
      if (body !== undefined && r.status < 300 && op.requestBody) {
        const media = deref(op.requestBody).content[headers['Content-Type']];
        if (!media) fail(`${label}: request type ${headers['Content-Type']} is not documented`);
        else {
          const v = validatorFor(media.schema, `req ${method} ${tpl} ${headers['Content-Type']}`);
          if (!v(/[/+]json$/.test(headers['Content-Type']) ? JSON.parse(body) : body)) fail(`${label}: the accepted request body fails its schema: ${ajv.errorsText(v.errors)}`);
        }
      }
    }
    if (!responseSpec) {
      fail(`${label}: no documented response`);
      return r;
    }
    if (r.status === 204 || r.status === 304) {
      if (r.text !== '') fail(`${label}: a ${r.status} with a body`);
      else pass(label);
      return r;
    }
    const media = responseSpec.content && responseSpec.content[ctype];
    if (!media) {
      fail(`${label}: content type ${ctype} is not documented for ${r.status}`);
      return r;
    }
    if (ctype.endsWith('json')) {
      const v = validatorFor(media.schema, `res ${method} ${tpl} ${r.status} ${ctype}`);
      if (!v(r.body)) {
        fail(`${label}: the body fails its schema: ${ajv.errorsText(v.errors, { separator: '\n    ' })}`);
        return r;
      }
    } else if (typeof r.text !== 'string' || !r.text.length) {
      fail(`${label}: empty ${ctype}`);
      return r;
    }
    if (r.status === 201 && !r.headers.get('location')) fail(`${label}: no Location`);
    if (r.body && typeof r.body === 'object' && 'next_cursor' in r.body) {
      const link = r.headers.get('link');
      if (Boolean(r.body.next_cursor) !== Boolean(link)) fail(`${label}: Link header ${link} with next_cursor ${r.body.next_cursor}`);
    }
    if (opts.check) {
      const why = opts.check(r.body, r);
      if (why) {
        fail(`${label}: ${why}`);
        return r;
      }
    }
    pass(label);
    return r;
  }

  // The page and its files.
  await t('GET', '/');
  await t('GET', '/openapi.json');
  await t('GET', '/assets/app.js');
  await t('GET', '/assets/style.css');
  await t('GET', '/assets/favicon.svg');
  await t('GET', '/assets/no-such-file.js', { status: 404 });

  // Collections with demo data, filters and pagination.
  await t('GET', '/v1/actors', { check: (b) => (b.items.some((a) => a.id === 'ru') ? null : 'no ru') });
  await t('GET', '/v1/actors?kind=state&country=RU');
  const p1 = await t('GET', '/v1/actors?limit=2', { check: (b) => (b.next_cursor ? null : 'no next_cursor') });
  if (p1.body && p1.body.next_cursor) await t('GET', `/v1/actors?limit=2&cursor=${encodeURIComponent(p1.body.next_cursor)}`);
  await t('GET', '/v1/actors?part_of=ru&q=staff');
  await t('GET', '/v1/actors/ru');
  await t('GET', '/v1/actors/kp-cmc');
  // Unknown query parameters are 422 on every route, not only on lists;
  // the country filter is checked as the field is.
  await t('GET', '/v1/actors/kp-cmc?dry_run=true', { status: 422 });
  await t('GET', '/v1/actors?country=Korea', { status: 422 });
  await t('GET', '/v1/events?country=kr', { status: 422 });
  await t('GET', '/healthz?x=1', { status: 422 });
  await t('GET', '/readyz?x=1', { status: 422 });
  await t('GET', '/metrics?x=1', { status: 422 });
  await t('GET', '/v1/claims/clm-gerasimov-kursk/relations/rel-kursk-completion-dispute?x=1', { status: 422 });
  await t('GET', '/v1/sources');
  await t('GET', '/v1/sources?kind=news_article');
  await t('GET', '/v1/sources/src-nk-troops');
  await t('GET', '/v1/events');
  await t('GET', '/v1/events?from=2025-04&to=2025-04');
  await t('GET', '/v1/events?tag=kursk&actor=kp');
  await t('GET', '/v1/events/evt-kursk-op');
  await t('GET', '/v1/events/evt-kp-ru-partnership-in-force');
  await t('GET', '/v1/claims');
  await t('GET', '/v1/claims?disputed=true', { check: (b) => (b.items.length === 2 ? null : `${b.items.length} disputed`) });
  await t('GET', '/v1/claims?event=evt-kursk-op&stance=asserts');
  await t('GET', '/v1/claims/clm-gerasimov-kursk');
  await t('GET', '/v1/claims/clm-kr-mofa-statement', { check: (b) => (b.quote_span ? null : 'no quote_span') });
  await t('GET', '/v1/claims/clm-intl-troop-estimate');
  await t('GET', '/v1/claims/clm-gerasimov-kursk/relations');
  await t('GET', '/v1/claims/clm-gerasimov-kursk/relations/rel-kursk-completion-dispute');

  // Reading back.
  await t('GET', '/v1/timeline', { check: (b) => (b.items.length === 17 ? null : `${b.items.length} entries`) });
  const tl = await t('GET', '/v1/timeline?limit=3');
  if (tl.body && tl.body.next_cursor) await t('GET', `/v1/timeline?limit=3&cursor=${encodeURIComponent(tl.body.next_cursor)}`);
  if (served('/v1/timelinejs', 'get')) {
    await t('GET', '/v1/timelinejs', { check: (b) => (Array.isArray(b.events) ? null : 'not TimelineJS') });
    await t('GET', '/v1/timelinejs?country=Korea', { status: 422 });
  }
  // The deprecated form on the timelines still answers TimelineJS (the
  // document describes only the page there, and says so in `format`).
  {
    const r = await request(base, 'GET', '/v1/timeline?format=timelinejs');
    const v = validatorFor({ $ref: '#/components/schemas/TimelineJSDocument' }, 'component:TimelineJSDocument');
    if (r.status !== 200 || !v(r.body) || !Array.isArray(r.body.events)) fail(`GET /v1/timeline?format=timelinejs -> ${r.status}: not a TimelineJS document`);
    else pass('the deprecated ?format=timelinejs still answers TimelineJS');
  }
  await t('GET', '/v1/timeline?country=Korea', { status: 422 });
  await t('GET', '/v1/timeline?event=evt-kursk-op&types=claim&order=desc');
  await t('GET', '/v1/timeline?actor=ru&include_parts=true&from=2024-06&to=2025');
  await t('GET', '/v1/timeline?disputed=true&stance=asserts');
  await t('GET', '/v1/timeline?kind=agreement&tag=treaty&country=RU');
  await t('GET', '/v1/events/evt-kursk-op/timeline');
  if (served('/v1/events/{id}/timelinejs', 'get')) await t('GET', '/v1/events/evt-kursk-op/timelinejs?types=claim');
  await t('GET', '/v1/events/evt-kursk-op/statements');
  await t('GET', '/v1/events/evt-kursk-op/statements?group_by=claimant', { check: (b) => (b.groups.length === 3 ? null : `${b.groups.length} groups`) });
  await t('GET', '/v1/events/evt-kursk-op/statements?group_by=stance');
  await t('GET', '/v1/events/evt-kp-troops-russia/statements?limit=2');
  await t('GET', '/v1/actors/ru/statements?include_parts=true', { check: (b) => (b.items.length === 1 ? null : `${b.items.length} statements`) });
  await t('GET', '/v1/actors/kp-cmc/statements?limit=2&stance=withholds');
  await t('GET', '/v1/actors/ua-af/statements?event=evt-kursk-op');
  await t('GET', '/v1/disputes', { check: (b) => (b.items.length === 1 ? null : `${b.items.length} disputes`) });
  await t('GET', '/v1/disputes?event=evt-kursk-op&from=2025');
  await t('GET', '/v1/disputes?actor=ru&include_parts=true');
  await t('GET', '/v1/search?q=kursk', { check: (b) => (b.items.length && b.items.every((h) => /<mark>/.test(h.snippet)) ? null : 'no marked hits') });
  await t('GET', '/v1/search?q=korea&types=actor,source&limit=1');

  // Operations: health, metrics, history, changes, export.
  await t('GET', '/healthz', { key: null });
  await t('GET', '/readyz', { key: null });
  await t('GET', '/metrics', { key: null, check: (b, r) => (/claimline_http_requests_total/.test(r.text) ? null : 'no request counter') });
  await t('GET', '/v1/actors/ru/history');
  await t('GET', '/v1/sources/src-nk-troops/history?limit=1');
  await t('GET', '/v1/events/evt-kursk-op/history');
  await t('GET', '/v1/claims/clm-gerasimov-kursk/history');
  await t('GET', '/v1/claims/nobody/history', { status: 404 });
  const ch = await t('GET', '/v1/changes?limit=5');
  if (ch.body && typeof ch.body.next_since === 'number') await t('GET', `/v1/changes?since=${ch.body.next_since}&limit=500&wait=0`);
  await t('GET', '/v1/changes?wait=61', { status: 422 });
  await t('GET', '/v1/export', { check: (b, r) => (r.text.split('\n').filter(Boolean).every((l) => JSON.parse(l).type) ? null : 'a line without type') });

  // Conditional requests and keys.
  const one = await t('GET', '/v1/actors/ru');
  const etag = one.headers.get('etag');
  if (!etag) fail('GET /v1/actors/ru: no ETag');
  else await t('GET', '/v1/actors/ru', { status: 304, headers: { 'If-None-Match': etag } });
  await t('POST', '/v1/actors', { status: 401, key: null, body: { name: 'no key' } });
  if (server.readKey) await t('POST', '/v1/actors', { status: 403, key: server.readKey, body: { name: 'read key' } });
  await t('DELETE', '/v1/claims/clm-gerasimov-kursk', { status: 412, headers: { 'If-Match': '"stale"' } });

  // Errors on reads.
  await t('GET', '/v1/actors/nobody', { status: 404 });
  await t('GET', '/v1/nothing-here', { status: 404 });
  await t('GET', '/v1/actors?limit=0', { status: 422, check: (b) => (b.errors && b.errors[0].parameter === 'limit' ? null : 'errors do not name limit') });
  await t('GET', '/v1/actors?bogus=1', { status: 422 });
  await t('GET', '/v1/actors?cursor=zz', { status: 400 });
  await t('GET', '/v1/timeline?from=2024-13', { status: 422 });
  await t('GET', '/v1/timeline?cursor=bad', { status: 400 });
  await t('GET', '/v1/events/nope/timeline', { status: 404 });
  await t('GET', '/v1/events/nope/statements', { status: 404 });
  await t('GET', '/v1/events/evt-kursk-op/statements?group_by=x', { status: 422 });
  await t('GET', '/v1/actors/nope/statements', { status: 404 });
  await t('GET', '/v1/disputes?actor=nobody', { status: 422 });
  await t('GET', '/v1/search?q=AND', { check: (b) => (Array.isArray(b.items) ? null : 'no items') });
  await t('GET', `/v1/search?q=${encodeURIComponent("Kim Jong-un (Russia's")}`);
  await t('GET', '/v1/search?q=kursk&cursor=xyz', { status: 400 });
  await t('GET', '/v1/search', { status: 422 });
  await t('GET', '/v1/claims/nobody/relations', { status: 404 });
  await t('GET', '/v1/claims/clm-gerasimov-kursk/relations/rel-nope', { status: 404 });
  await t('PUT', '/v1/timeline', { status: 405 });
  await t('DELETE', '/v1/actors', { status: 405 });

  // Writes on throwaway resources.
  await t('POST', '/v1/actors', { body: { id: 'oa-actor', name: 'OpenAPI test actor', kind: 'group' }, headers: { 'Idempotency-Key': 'oa-1' } });
  await t('POST', '/v1/actors', { status: 201, body: { id: 'oa-actor', name: 'OpenAPI test actor', kind: 'group' }, headers: { 'Idempotency-Key': 'oa-1' } });
  await t('POST', '/v1/actors', { status: 422, body: { id: 'oa-actor', name: 'another body' }, headers: { 'Idempotency-Key': 'oa-1' } });
  await t('POST', '/v1/actors', { body: { name: 'Server-named actor', country: 'KR', aliases: ['SNA'] },
    check: (b) => (b.id.startsWith('act-') ? null : `id ${b.id}`) });
  await t('POST', '/v1/actors', { status: 409, body: { id: 'oa-actor', name: 'again' } });
  await t('POST', '/v1/actors', { status: 422, body: { name: 'x', colour: 'red', version: 3 },
    check: (b) => (b.errors.length === 2 ? null : `${b.errors.length} errors`) });
  await t('POST', '/v1/actors', { status: 415, body: 'name=x', ctype: 'text/plain' });
  await t('POST', '/v1/actors', { status: 400, body: '{"name": "x", "name": "y"}' });
  await t('POST', '/v1/actors', { status: 400, body: '{"name": ' });
  await t('POST', '/v1/actors', { status: 413, body: JSON.stringify({ name: 'x', description: 'y'.repeat(1100000) }) });
  await t('PUT', '/v1/actors/oa-actor2', { status: 201, body: { name: 'Second test actor', part_of: 'oa-actor' } });
  await t('PUT', '/v1/actors/oa-actor2', { status: 200, body: { name: 'Second test actor, renamed', part_of: 'oa-actor' } });
  await t('PUT', '/v1/actors/oa-actor2', { status: 422, body: { id: 'other', name: 'x' } });
  await t('PATCH', '/v1/actors/oa-actor', { body: { aliases: ['OTA'], description: 'made by the OpenAPI test' }, ctype: 'application/merge-patch+json',
    check: (b) => (b.version === 2 ? null : `version ${b.version}`) });
  await t('PATCH', '/v1/actors/oa-actor', { status: 415, body: '{}', ctype: 'text/plain' });
  await t('PATCH', '/v1/actors/oa-nobody', { status: 404, body: { name: 'x' }, ctype: 'application/merge-patch+json' });
  await t('PATCH', '/v1/actors/oa-actor2', { status: 422, body: { part_of: 'oa-actor2' }, ctype: 'application/merge-patch+json' });

  await t('POST', '/v1/sources', { body: { id: 'oa-src', title: 'Test source', url: 'https://example.org/a', published: '2024-06',
    kind: 'report', language: 'en', text: 'He said: “the troops are here.” Nothing more.' } });
  await t('PUT', '/v1/sources/oa-src2', { status: 201, body: { title: 'Second source', publisher: 'Test' } });
  await t('PUT', '/v1/sources/oa-src2', { status: 200, body: { title: 'Second source', publisher: 'Test', published: '2024' } });
  await t('PATCH', '/v1/sources/oa-src2', { body: { publisher: null } });
  await t('POST', '/v1/sources', { status: 422, body: { title: 'x', url: 'ftp://example.org', published: '2024-02-30' } });

  await t('POST', '/v1/events', { body: { id: 'oa-event', title: 'Test event', kind: 'other', start: '2024-06', end: '2024-07-02',
    location: { name: 'Somewhere' }, participants: [{ actor: 'oa-actor', role: 'tester' }], tags: ['test'] } });
  await t('PUT', '/v1/events/oa-event2', { status: 201, body: { title: 'Sub event', kind: 'statement', start: '2024-06-03T10:00:00+02:00', part_of: 'oa-event' } });
  await t('PUT', '/v1/events/oa-event2', { status: 200, body: { title: 'Sub event', kind: 'statement', start: '2024-06-03', part_of: 'oa-event' } });
  await t('PATCH', '/v1/events/oa-event', { body: { description: 'patched', location: { country: 'KR' } } });
  await t('POST', '/v1/events', { status: 422, body: { title: 'x', kind: 'other', start: '2024-06', end: '2024-05', part_of: 'oa-nope' } });

  await t('POST', '/v1/claims', { body: { id: 'oa-claim-a', claimant: 'oa-actor', events: ['oa-event'], stated: '2024-06-03', stance: 'estimates',
    text: 'The troops are here, about 10.', quote: 'the troops are here.', source: 'oa-src',
    quantity: { value: 10, low: 5, high: 20, unit: 'troops', approximate: true } }, check: (b) => (b.quote_span ? null : 'no quote_span') });
  await t('PUT', '/v1/claims/oa-claim-b', { status: 201, body: { claimant: 'oa-actor2', events: ['oa-event2'], text: 'No troops are here.', stance: 'denies', via: 'oa-actor', source: 'oa-src2' } });
  await t('PUT', '/v1/claims/oa-claim-b', { status: 200, body: { claimant: 'oa-actor2', events: ['oa-event2'], text: 'No troops are here at all.', stance: 'denies', verdict: 'unverifiable' } });
  await t('PATCH', '/v1/claims/oa-claim-b', { body: { stated: '2024-06-04' }, ctype: 'application/merge-patch+json' });
  await t('POST', '/v1/claims', { status: 422, body: { claimant: 'oa-nobody', text: 'x', quote: 'not in the text', source: 'oa-src',
    quantity: { value: 1, low: 2, unit: 'x' }, disputed: true } });
  await t('PATCH', '/v1/claims/oa-claim-a', { status: 422, body: { quote: 'words that are not there' } });

  const rel = await t('POST', '/v1/claims/oa-claim-a/relations', { body: { type: 'contradicts', claim: 'oa-claim-b', note: 'they disagree' } });
  await t('POST', '/v1/claims/oa-claim-b/relations', { status: 409, body: { type: 'contradicts', claim: 'oa-claim-a' } });
  await t('POST', '/v1/claims/oa-claim-a/relations', { status: 422, body: { type: 'contradicts', claim: 'oa-claim-a' } });
  await t('POST', '/v1/claims/oa-claim-a/relations', { status: 422, body: { type: 'likes', claim: 'oa-claim-b' } });
  await t('POST', '/v1/claims/oa-nobody/relations', { status: 404, body: { type: 'supports', claim: 'oa-claim-b' } });
  await t('POST', '/v1/claims/oa-claim-b/relations', { body: { type: 'responds_to', claim: 'oa-claim-a' } });
  await t('GET', '/v1/claims/oa-claim-a', { check: (b) => (b.disputed && b.relations.length === 2 ? null : 'not disputed') });
  await t('GET', '/v1/claims/oa-claim-a/relations');
  await t('GET', '/v1/disputes?actor=oa-actor&include_parts=true', { check: (b) => (b.items.length === 1 ? null : `${b.items.length} disputes`) });
  await t('GET', '/v1/actors/oa-actor/statements?include_parts=true');
  await t('GET', '/v1/events/oa-event/statements?group_by=claimant');
  if (served('/v1/events/{id}/timelinejs', 'get')) await t('GET', '/v1/events/oa-event/timelinejs');
  await t('GET', '/v1/search?q=troops&types=claim');
  await t('DELETE', '/v1/actors/oa-actor', { status: 409 });
  await t('DELETE', '/v1/events/oa-event', { status: 409 });
  await t('DELETE', '/v1/sources/oa-src', { status: 409 });
  if (rel.body && rel.body.id) {
    await t('GET', `/v1/claims/oa-claim-a/relations/${rel.body.id}`);
    await t('DELETE', `/v1/claims/oa-claim-b/relations/${rel.body.id}`);
    await t('DELETE', `/v1/claims/oa-claim-b/relations/${rel.body.id}`, { status: 404 });
  }
  await t('DELETE', '/v1/claims/oa-claim-a');
  await t('DELETE', '/v1/claims/oa-claim-b');
  await t('DELETE', '/v1/claims/oa-claim-b', { status: 404 });
  await t('DELETE', '/v1/events/oa-event2');
  await t('DELETE', '/v1/events/oa-event');
  await t('DELETE', '/v1/sources/oa-src');
  await t('DELETE', '/v1/sources/oa-src2');
  await t('DELETE', '/v1/actors/oa-actor', { status: 409 });
  const ndjson = [
    { type: 'actor', id: 'oa-imp-actor', name: 'Imported actor' },
    { type: 'claim', id: 'oa-imp-claim', claimant: 'oa-imp-actor', text: 'Imported.', events: ['oa-imp-event'] },
    { type: 'event', id: 'oa-imp-event', title: 'Imported event', kind: 'other', start: '2023' },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await t('POST', '/v1/import', { status: 200, body: ndjson, ctype: 'application/x-ndjson', check: (b) => (b.created === 3 ? null : `created ${b.created}`) });
  await t('POST', '/v1/import', { status: 200, body: ndjson, ctype: 'application/x-ndjson', check: (b) => (b.unchanged === 3 ? null : `unchanged ${b.unchanged}`) });
  await t('POST', '/v1/import', { status: 422, body: '{"type": "actor", "id": "oa-x"}\n{"type": "nonsense"}\n', ctype: 'application/x-ndjson',
    check: (b) => (b.errors.every((e) => typeof e.line === 'number') ? null : 'errors without line') });
  await t('POST', '/v1/import', { status: 415, body: '{}', ctype: 'text/csv' });
  await t('DELETE', '/v1/claims/oa-imp-claim');
  await t('DELETE', '/v1/events/oa-imp-event');
  await t('DELETE', '/v1/actors/oa-imp-actor');
  await t('DELETE', '/v1/actors/oa-actor2');
  await t('DELETE', '/v1/actors/oa-actor');
  await t('GET', '/v1/actors/oa-actor', { status: 404 });

  for (const [op, r] of perOp) {
    if (r.bad.length) fail(`${op}\n    ${r.bad.join('\n    ')}`);
    else pass(`${op} (${r.ok} responses)`);
  }
  console.log(`# ${[...perOp.values()].reduce((n, r) => n + r.ok + r.bad.length, 0)} responses checked over ${perOp.size} operations`);

  /* every documented operation was exercised */
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of ['get', 'put', 'post', 'patch', 'delete']) {
      if (item[m] && !covered.has(`${m} ${p}`)) {
        if (!served(p, m)) console.log(`# skip ${m.toUpperCase()} ${p}: documented, not in handlers/routes.c yet`);
        else fail(`${m.toUpperCase()} ${p} is documented but was not exercised`);
      }
    }
  }
} catch (e) {
  fail(`the test stopped: ${e && e.stack || e}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await stopServer(server);
}

finish();
