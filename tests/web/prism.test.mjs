// The document checked by another tool than ours: Stoplight Prism as a
// validating proxy (`prism proxy --errors`) in front of a real server,
// with the document the server serves.  A sample of requests covers every
// operation of the document, with success and error answers (200, 201,
// 204, 304, 400, 403, 404, 409, 412, 422); Prism checks each
// request and each answer against the document and the test fails on any
// violation it reports (its own problem type, or an sl-violations header).
// Requests the document itself forbids (a malformed country code, a limit
// out of range, a media type it does not name) must be refused by Prism:
// that proves the constraint is in the document.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, request } from './server.mjs';
import { templateOf } from './paths.mjs';
import { pass, fail, quietPasses, stopServer, finish } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
quietPasses();

/* A free port on 127.0.0.1 for Prism. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* Routes of handlers/routes.c ([path, method]), to tell an operation
 * documented ahead of its route (from another branch) from a gap. */
function tableRoutes() {
  const routes = [];
  const file = join(here, '..', '..', 'handlers', 'routes.c');
  if (!existsSync(file)) return routes;
  const src = readFileSync(file, 'utf8');
  const macro = /#define RESOURCE_ROUTES[\s\S]*?\n\n/.exec(src);
  const suffixes = macro ? [...macro[0].matchAll(/\{"\/v1\/" coll(?: "([^"]*)")?, METHOD_(\w+)/g)].map((m) => [m[1] || '', m[2].toLowerCase()]) : [];
  for (const m of src.matchAll(/^\s*RESOURCE_ROUTES\("(\w+)"/gm)) {
    for (const [suffix, meth] of suffixes) routes.push([`/v1/${m[1]}${suffix}`, meth]);
  }
  for (const m of src.matchAll(/\{\s*"([^"]+)",\s*METHOD_(\w+)/g)) routes.push([m[1], m[2].toLowerCase()]);
  return routes;
}

const server = await startServer();
const tmp = mkdtempSync(join(tmpdir(), 'claimline-prism-'));
let prism = null;
let prismLog = '';
try {
  const res = await request(server.url, 'GET', '/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json -> ${res.status}`);
  const doc = res.body;
  const docFile = join(tmp, 'openapi.json');
  writeFileSync(docFile, res.text);

  const port = await freePort();
  const cli = join(here, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  prism = spawn(process.execPath, [cli, 'proxy', '--errors', docFile, server.url, '-h', '127.0.0.1', '-p', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: Object.assign({}, process.env, { NO_COLOR: '1', FORCE_COLOR: '0' }) });
  const prismExit = new Promise((resolve) => prism.on('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 60 s:\n${prismLog.slice(-3000)}`)), 60000);
    const onData = (d) => {
      prismLog += d;
      if (prismLog.length > 1 << 20) prismLog = prismLog.slice(-(1 << 19));
      if (/Prism is listening/.test(prismLog)) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism.stdout.on('data', onData);
    prism.stderr.on('data', onData);
    prismExit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}):\n${prismLog.slice(-3000)}`));
    });
  });
  const proxy = `http://127.0.0.1:${port}`;
  console.log(`# server at ${server.url}, Prism at ${proxy}`);


  const routes = tableRoutes();
  const served = (p, m) => routes.length === 0 || routes.some(([rp, rm]) => rp === p && rm === m);
  const covered = new Set();
  const statuses = new Set();
  let sent = 0;
  /* One request through Prism: the answer must be `want` from the server,
   * with no violation reported. */
  async function t(method, path, opts = {}) {
    const want = opts.status || (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    const headers = Object.assign({}, opts.headers || {});
    let body = opts.body;
    if (body !== undefined && typeof body !== 'string') body = JSON.stringify(body);
    if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = opts.ctype || 'application/json';
    const key = 'key' in opts ? opts.key : server.key;
    const r = await request(proxy, method, path, body, headers, key);
    sent++;
    const label = `${method} ${path} -> ${r.status}`;
    const violations = r.headers.get('sl-violations');
    const prismType = r.body && typeof r.body === 'object' && typeof r.body.type === 'string' && r.body.type.startsWith('https://stoplight.io/prism/errors#');
    if (opts.prismRefuses) {
      if (r.status === 422 && prismType) pass(`${label}: Prism refuses it, as the document says`);
      else fail(`${label}: Prism should refuse this request by the document, but ${r.text.slice(0, 300)}`);
      return r;
    }
    if (prismType || violations) {
      fail(`${label}: Prism reports ${violations || ''} ${r.text.slice(0, 1200)}`);
      return r;
    }
    if (r.status !== want) {
      fail(`${label}, want ${want}: ${r.text.slice(0, 300)}`);
      return r;
    }
    const tpl = templateOf(doc, path);
    if (tpl && doc.paths[tpl][method.toLowerCase()]) covered.add(`${method.toLowerCase()} ${tpl}`);
    statuses.add(r.status);
    pass(label);
    return r;
  }
  const readKey = { key: server.readKey };

  /* The static routes and operations. */
  await t('GET', '/');
  await t('GET', '/openapi.json');
  await t('GET', '/assets/app.js');
  await t('GET', '/assets/no-such-file.js', { status: 404 });
  await t('GET', '/healthz', { key: null });
  await t('GET', '/readyz', { key: null });
  await t('GET', '/metrics', { key: null });
  await t('GET', '/healthz?verbose=1', { status: 422, key: null });

  /* The four resources: every operation, success and errors. */
  const samples = {
    actors: [{ id: 'px-actor', name: 'Prism actor', country: 'KR' }, { name: 'Prism actor, renamed' }],
    sources: [{ id: 'px-source', title: 'Prism source', text: 'Prism said the sky is green.' }, { publisher: 'Prism' }],
    events: [{ id: 'px-event', title: 'Prism event', kind: 'other', start: '2025-03' }, { end: '2025-04' }],
    claims: [{ id: 'px-claim', claimant: 'px-actor', source: 'px-source', events: ['px-event'], text: 'The sky is green.', quote: 'the sky is green', stated: '2025-03-02' }, { stance: 'denies' }],
  };
  for (const [coll, [input, patch]] of Object.entries(samples)) {
    const created = await t('POST', `/v1/${coll}`, { body: input });
    await t('POST', `/v1/${coll}`, { body: input, status: 409 });
    await t('POST', `/v1/${coll}?dry_run=true`, { body: input, status: 422 });
    await t('POST', `/v1/${coll}`, { body: input, key: server.readKey, status: 403 });
    await t('GET', `/v1/${coll}`);
    await t('GET', `/v1/${coll}?limit=1`);
    await t('GET', `/v1/${coll}?limit=0`, { prismRefuses: true });
    await t('GET', `/v1/${coll}?limit=501&x=1`, { prismRefuses: true });
    await t('GET', `/v1/${coll}?cursor=!!`, { status: 400 });
    await t('GET', `/v1/${coll}/${input.id}`);
    const etag = created.headers.get('etag');
    if (etag) await t('GET', `/v1/${coll}/${input.id}`, { headers: { 'If-None-Match': etag }, status: 304 });
    await t('GET', `/v1/${coll}/px-missing`, { status: 404 });
    await t('GET', `/v1/${coll}/${input.id}?fields=id`, { status: 422 });
    const patched = await t('PATCH', `/v1/${coll}/${input.id}`, { body: patch, ctype: 'application/merge-patch+json', headers: etag ? { 'If-Match': etag } : {}, status: 200 });
    if (etag) await t('PATCH', `/v1/${coll}/${input.id}`, { body: patch, ctype: 'application/merge-patch+json', headers: { 'If-Match': etag }, status: 412 });
    await t('PATCH', `/v1/${coll}/px-missing`, { body: patch, status: 404 });
    await t('PUT', `/v1/${coll}/${input.id}`, { body: input, status: 200 });
    await t('PUT', `/v1/${coll}/px-put-${coll}`, { body: Object.assign({}, input, { id: `px-put-${coll}` }), status: 201 });
    await t('PUT', `/v1/${coll}/${input.id}`, { body: input, headers: { 'If-Match': '"stale"' }, status: 412 });
    await t('POST', `/v1/${coll}`, { body: input, ctype: 'text/plain', prismRefuses: true });
    await t('GET', `/v1/${coll}/${input.id}/history`);
    await t('GET', `/v1/${coll}/${input.id}/history?limit=1`);
    await t('GET', `/v1/${coll}/px-missing/history`, { status: 404 });
    if (patched.status !== 200) fail(`PATCH /v1/${coll}/${input.id}: ${patched.status}`);
  }
  await t('POST', '/v1/claims', { body: { claimant: 'px-nobody', text: 'Nobody said this.' }, status: 422 });
  await t('PATCH', '/v1/actors/px-actor', { body: '{"name": ', ctype: 'application/merge-patch+json', status: 400 });
  await t('GET', '/v1/actors?country=Korea', { prismRefuses: true });
  await t('GET', '/v1/actors?country=RU');

  /* Relations. */
  await t('POST', '/v1/claims', { body: { id: 'px-claim-2', claimant: 'px-actor', text: 'The sky is blue.' } });
  const rel = await t('POST', '/v1/claims/px-claim/relations', { body: { type: 'contradicts', claim: 'px-claim-2', note: 'colours' } });
  await t('POST', '/v1/claims/px-claim/relations', { body: { type: 'contradicts', claim: 'px-claim-2' }, status: 409 });
  await t('POST', '/v1/claims/px-missing/relations', { body: { type: 'supports', claim: 'px-claim-2' }, status: 404 });
  await t('GET', '/v1/claims/px-claim/relations');
  await t('GET', '/v1/claims/px-claim/relations?x=1', { status: 422 });
  const relId = rel.body && rel.body.id;
  if (relId) {
    await t('GET', `/v1/claims/px-claim/relations/${relId}`);
    await t('GET', `/v1/claims/px-claim/relations/rel-missing`, { status: 404 });
    await t('GET', '/v1/disputes');
    await t('DELETE', `/v1/claims/px-claim-2/relations/${relId}`);
    await t('DELETE', `/v1/claims/px-claim-2/relations/${relId}`, { status: 404 });
  }

  /* Reading back. */
  await t('GET', '/v1/timeline');
  await t('GET', '/v1/timeline?from=2024-06&to=2025&types=claim&order=desc&limit=3');
  await t('GET', '/v1/timeline?kind=agreement&country=RU&include_parts=true&actor=ru');
  await t('GET', '/v1/timeline?country=Korea', { prismRefuses: true });
  await t('GET', '/v1/timeline?fmt=x', { status: 422 });
  await t('GET', '/v1/events/evt-kursk-op/timeline');
  await t('GET', '/v1/events/px-missing/timeline', { status: 404 });
  if (served('/v1/timelinejs', 'get')) {
    await t('GET', '/v1/timelinejs');
    await t('GET', '/v1/timelinejs?types=event&limit=5');
    await t('GET', '/v1/events/evt-kursk-op/timelinejs');
  }
  await t('GET', '/v1/events/evt-kursk-op/statements');
  await t('GET', '/v1/events/evt-kursk-op/statements?group_by=claimant');
  await t('GET', '/v1/actors/ru/statements?include_parts=true');
  await t('GET', '/v1/actors/px-missing/statements', { status: 404 });
  await t('GET', '/v1/disputes?event=evt-kursk-op');
  await t('GET', '/v1/search?q=kursk');
  await t('GET', '/v1/search?q=korea&types=actor,source&limit=2');
  await t('GET', '/v1/changes?since=0&limit=5');
  await t('GET', '/v1/changes?since=0&wait=0');

  /* Bulk. */
  const ndjson = [
    { type: 'actor', id: 'px-imp-actor', name: 'Imported actor' },
    { type: 'event', id: 'px-imp-event', title: 'Imported event', kind: 'other', start: '2023' },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await t('POST', '/v1/import', { body: ndjson, ctype: 'application/x-ndjson', status: 200 });
  await t('POST', '/v1/import', { body: '{"type": "actor"}\n', ctype: 'application/x-ndjson', status: 422 });
  await t('POST', '/v1/import?dry_run=1', { body: ndjson, ctype: 'application/x-ndjson', status: 422 });
  await t('GET', '/v1/export');
  await t('GET', '/v1/export?types=actor', { status: 422 });

  /* Deletes: refused while referred to, then in order; a delete's
   * history has body null. */
  await t('DELETE', '/v1/actors/px-actor', { status: 409 });
  await t('DELETE', '/v1/claims/px-claim', { headers: { 'If-Match': '"stale"' }, status: 412 });
  await t('DELETE', '/v1/claims/px-claim');
  await t('DELETE', '/v1/claims/px-claim-2');
  await t('DELETE', '/v1/claims/px-put-claims');
  await t('DELETE', '/v1/claims/px-claim', { status: 404 });
  const gone = await t('GET', '/v1/claims/px-claim/history');
  const last = gone.body && gone.body.items && gone.body.items[gone.body.items.length - 1];
  if (!last || last.op !== 'delete' || last.body !== null) fail(`a delete's version: ${JSON.stringify(last)}`);
  for (const id of ['px-event', 'px-put-events']) await t('DELETE', `/v1/events/${id}`);
  for (const id of ['px-source', 'px-put-sources']) await t('DELETE', `/v1/sources/${id}`);
  for (const id of ['px-actor', 'px-put-actors']) await t('DELETE', `/v1/actors/${id}`);
  await t('GET', '/v1/actors/px-actor/history');

  console.log(`# ${sent} requests through Prism; statuses ${[...statuses].sort().join(', ')}`);
  // 413 and 415 cannot go through Prism: it refuses a media type the
  // document does not name itself, and a body larger than the limit is cut
  // off by the server before Prism has sent it (tests/api covers both).
  for (const s of [200, 201, 204, 304, 400, 403, 404, 409, 412, 422]) {
    if (!statuses.has(s)) fail(`no ${s} went through Prism`);
  }
  let ops = 0;
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of ['get', 'put', 'post', 'patch', 'delete']) {
      if (!item[m]) continue;
      ops++;
      if (covered.has(`${m} ${p}`)) pass(`${m.toUpperCase()} ${p} went through Prism`);
      else if (!served(p, m)) console.log(`# skip ${m.toUpperCase()} ${p}: documented, not in handlers/routes.c yet`);
      else fail(`${m.toUpperCase()} ${p} is documented but no request went through Prism`);
    }
  }
  console.log(`# ${covered.size} of ${ops} operations covered`);
} catch (e) {
  fail(`the test stopped: ${e && e.stack || e}`);
} finally {
  if (prism && prism.exitCode === null) {
    prism.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        prism.kill('SIGKILL');
        resolve();
      }, 5000);
      prism.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  rmSync(tmp, { recursive: true, force: true });
  await stopServer(server);
}

finish();
