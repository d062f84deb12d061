// A client written the way a third-party developer would write one: types
// generated from the served /openapi.json by openapi-typescript (schema.ts,
// next to this file at test time), calls through openapi-fetch, and no
// casts, non-null assertions or `any` (typed-client.test.mjs refuses them),
// compiled with `tsc --strict`.  Run against a server: argv[2] is its base
// URL, argv[3] a write key.  Prints one "ok - ..." line per step and a
// final JSON summary line; exits 1 at the first step that goes wrong.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type TimelineEntry = components['schemas']['TimelineEntry'];

const base = process.argv[2];
const key = process.argv[3];
if (!base || !key) {
  console.error('usage: client.js BASE_URL KEY');
  process.exit(2);
}

const client = createClient<paths>({
  baseUrl: base,
  headers: { Authorization: `Bearer ${key}` },
});

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.log(`not ok - ${what}`);
    process.exit(1);
  }
  console.log(`ok - ${what}`);
}

/* The label of a timeline entry: narrowing on `type` is all it takes. */
function label(entry: TimelineEntry): string {
  if (entry.type === 'event') return `event ${entry.event.id}`;
  return `claim ${entry.claim.id} by ${entry.claimant ? entry.claimant.name : 'nobody'}`;
}

async function main(): Promise<void> {
  /* Create: `kind` may be left out, the server decides. */
  const created = await client.POST('/v1/actors', {
    body: { id: 'tc-ministry', name: 'Typed client ministry', country: 'KR' },
  });
  check(created.response.status === 201 && created.data !== undefined,
    `POST /v1/actors -> ${created.response.status}`);
  if (!created.data) return;
  const actor = created.data;
  check(actor.kind === 'unknown' && actor.version === 1 && actor.country === 'KR',
    `the server's defaults: kind ${actor.kind}, version ${actor.version}`);
  const etag = created.response.headers.get('ETag');
  check(etag !== null, `an ETag: ${etag}`);
  if (etag === null) return;

  /* A merge patch carries only what changes. */
  const patched = await client.PATCH('/v1/actors/{id}', {
    params: { path: { id: actor.id }, header: { 'If-Match': etag } },
    body: { aliases: ['TCM'] },
  });
  check(patched.response.status === 200 && patched.data !== undefined,
    `PATCH with If-Match -> ${patched.response.status}`);
  if (!patched.data) return;
  check(patched.data.version === 2 && patched.data.kind === 'unknown' &&
    patched.data.aliases.join() === 'TCM' && patched.data.name === actor.name,
    `patched: version ${patched.data.version}, aliases ${patched.data.aliases.join()}`);

  /* The old ETag is stale now: 412, a problem document. */
  const stale = await client.PATCH('/v1/actors/{id}', {
    params: { path: { id: actor.id }, header: { 'If-Match': etag } },
    body: { description: 'never written' },
  });
  check(stale.response.status === 412 && stale.error !== undefined &&
    stale.error.status === 412 && stale.error.type === '/problems/precondition-failed',
    `a stale If-Match -> ${stale.response.status} ${stale.error ? stale.error.type : ''}`);

  /* A timeline walked by cursor to its end, against the one-page answer. */
  const whole = await client.GET('/v1/timeline', { params: { query: { limit: 500 } } });
  check(whole.data !== undefined && whole.data.next_cursor === null,
    `GET /v1/timeline?limit=500 -> ${whole.response.status}`);
  if (!whole.data) return;
  const walked: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await client.GET('/v1/timeline', {
      params: { query: { limit: 4, cursor } },
    });
    if (!page.data) {
      check(false, `timeline page ${pages + 1} -> ${page.response.status}`);
      return;
    }
    pages++;
    for (const entry of page.data.items) walked.push(label(entry));
    if (page.data.next_cursor === null) break;
    cursor = page.data.next_cursor;
  }
  const expected = whole.data.items.map(label);
  check(walked.length === expected.length && walked.every((l, i) => l === expected[i]) && pages > 2,
    `the timeline walked in ${pages} pages: ${walked.length} entries, the same as one page`);

  /* An NDJSON import sent as raw bytes. */
  const ndjson = JSON.stringify({ type: 'actor', id: 'tc-imported', name: 'Imported', part_of: actor.id }) + '\n';
  const imported = await client.POST('/v1/import', {
    body: ndjson,
    bodySerializer: (body: string) => body,
    headers: { 'Content-Type': 'application/x-ndjson' },
  });
  check(imported.data !== undefined && imported.data.created === 1,
    `POST /v1/import -> ${imported.response.status}, created ${imported.data ? imported.data.created : '-'}`);

  /* Delete, then the history: create, update, delete (body null). */
  const gone = await client.DELETE('/v1/actors/{id}', { params: { path: { id: 'tc-imported' } } });
  check(gone.response.status === 204, `DELETE -> ${gone.response.status}`);
  const history = await client.GET('/v1/actors/{id}/history', {
    params: { path: { id: actor.id }, query: { limit: 10 } },
  });
  check(history.data !== undefined, `GET history -> ${history.response.status}`);
  if (!history.data) return;
  const ops = history.data.items.map((v) => `${v.version}:${v.op}`).join(',');
  const first = history.data.items[0];
  check(ops === '1:create,2:update' && first !== undefined && first.body !== null &&
    first.body['name'] === 'Typed client ministry',
    `history: ${ops}`);
  const goneHistory = await client.GET('/v1/actors/{id}/history', {
    params: { path: { id: 'tc-imported' } },
  });
  if (!goneHistory.data) {
    check(false, `history of a deleted actor -> ${goneHistory.response.status}`);
    return;
  }
  const last = goneHistory.data.items[goneHistory.data.items.length - 1];
  check(last !== undefined && last.op === 'delete' && last.body === null,
    `a delete's version has body null`);

  /* An unknown query parameter is refused, naming it. */
  const unknown = await client.GET('/v1/actors/{id}', {
    params: { path: { id: actor.id } },
    querySerializer: () => 'dry_run=true',
  });
  check(unknown.response.status === 422 && unknown.error !== undefined &&
    (unknown.error.errors ?? []).some((e) => e.parameter === 'dry_run'),
    `an unknown query parameter -> ${unknown.response.status}`);

  console.log(JSON.stringify({ done: true, pages, entries: walked.length, history: ops }));
}

main().catch((e: unknown) => {
  console.log(`not ok - ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
