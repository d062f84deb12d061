// The document as a third-party developer meets it: types generated from
// the served /openapi.json with openapi-typescript, a small openapi-fetch
// client (typed-client/client.ts: create, merge-patch with If-Match, a
// stale If-Match, a timeline walked by cursor, an NDJSON import, history)
// that must compile under `tsc --strict` with no casts, non-null
// assertions, `any` or ts-ignore comments, then run against a real
// server, every step asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, request } from './server.mjs';
import { pass, fail, stopServer, finish } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/* What a client that "just works" may not need, found in the client's
 * syntax tree (TypeScript's own parser): casts (`x as T`, `<T>x`; `as const`
 * is no cast), non-null assertions (`x!`), `any`, and ts-ignore comments. */
const ts = (await import('typescript')).default;
const sourcePath = join(here, 'typed-client', 'client.ts');
const source = readFileSync(sourcePath, 'utf8');
const sf = ts.createSourceFile(sourcePath, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
const found = [];
const where = (node) => `line ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
(function visit(node) {
  if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(sf) === 'const')) {
    found.push(`${where(node)}: a cast: ${node.getText(sf)}`);
  } else if (ts.isTypeAssertionExpression(node)) {
    found.push(`${where(node)}: a cast: ${node.getText(sf)}`);
  } else if (ts.isNonNullExpression(node)) {
    found.push(`${where(node)}: a non-null assertion: ${node.getText(sf)}`);
  } else if (node.kind === ts.SyntaxKind.AnyKeyword) {
    found.push(`${where(node)}: any`);
  }
  ts.forEachChild(node, visit);
})(sf);
if (/@ts-(ignore|expect-error|nocheck)/.test(source)) found.push('a ts-ignore comment');
if (found.length) fail(`client.ts needs what a typed client should not:\n    ${found.join('\n    ')}`);
else pass('client.ts has no casts, non-null assertions, any or ts-ignore (by its syntax tree)');

const server = await startServer();
const tmp = mkdtempSync(join(tmpdir(), 'claimline-typed-'));
try {
  /* the types, from exactly what the server serves */
  const res = await request(server.url, 'GET', '/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json -> ${res.status}`);
  writeFileSync(join(tmp, 'openapi.json'), res.text);
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(pathToFileURL(join(tmp, 'openapi.json')));
  writeFileSync(join(tmp, 'schema.ts'), astToString(ast));
  copyFileSync(join(here, 'typed-client', 'client.ts'), join(tmp, 'client.ts'));
  symlinkSync(join(here, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: false,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'],
      types: ['node'],
      outDir: 'out',
      skipLibCheck: false,
    },
    files: ['client.ts', 'schema.ts'],
  }));
  const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
  const t0 = Date.now();
  const build = spawnSync(process.execPath, [tsc, '-p', join(tmp, 'tsconfig.json'), '--strict', '--pretty', 'false'],
    { encoding: 'utf8', timeout: 180000 });
  const buildOut = ((build.stdout || '') + (build.stderr || '')).trim();
  if (build.status !== 0) throw new Error(`tsc --strict fails on the generated types and client:\n${buildOut}`);
  pass(`tsc --strict compiles the generated types and the client (${Date.now() - t0} ms)`);

  /* run it against the server */
  const run = spawnSync(process.execPath, [join(tmp, 'out', 'client.js'), server.url, server.key],
    { encoding: 'utf8', timeout: 60000 });
  const out = (run.stdout || '').trim();
  for (const line of out.split('\n')) if (/^(not )?ok - /.test(line)) console.log(`    ${line}`);
  if (run.status !== 0) {
    fail(`the client failed (exit ${run.status}):\n${out}\n${run.stderr || ''}`);
  } else {
    const summary = JSON.parse(out.split('\n').pop());
    if (summary.done && summary.history === '1:create,2:update' && summary.pages > 2 && summary.entries > 8) {
      pass(`the client ran: ${out.split('\n').filter((l) => l.startsWith('ok - ')).length} steps, the timeline in ${summary.pages} pages of ${summary.entries} entries`);
    } else {
      fail(`the client's summary is not what it should be: ${JSON.stringify(summary)}`);
    }
  }
} catch (e) {
  fail(`the test stopped: ${e && e.message || e}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await stopServer(server);
}

finish();
