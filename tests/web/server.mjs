// Starts a claimline server of its own for one test program: the demo data
// in a fresh store in a temporary folder, on a free port.  stop() sends
// SIGTERM, checks that the server exited 0 and removes the folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startServer() {
  const bin = process.env.CLAIMLINE_BIN;
  if (!bin) throw new Error('CLAIMLINE_BIN is not set (the claimline binary to test)');
  const dir = mkdtempSync(join(tmpdir(), 'claimline-web-'));
  // Writes need a key; a store without the command has no auth at all.
  const keys = (scope) => {
    const r = spawnSync(bin, ['keys', 'add', '--name', 'web-test-' + scope, '--scope', scope, '--db', join(dir, 'x.db')], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim().split('\n').pop().trim() : null;
  };
  const key = keys('admin');
  const readKey = key ? keys('read') : null;
  const child = spawn(bin, ['serve', '--bind', '127.0.0.1', '--port', '0',
    '--db', join(dir, 'x.db'), '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not say where it listens within 15 s')), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /claimline listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening: ${stderr}`));
    });
  });
  let stopped = false;
  return {
    url,
    key,
    readKey,
    stderr: () => stderr,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      const { code, signal } = await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`the server exited with ${code ?? signal} on SIGTERM: ${stderr.slice(-2000)}`);
    },
  };
}

/* A JSON request to the server, with `key` as its Bearer key (an
 * Authorization of null sends none); answers {status, headers, body, text}. */
export async function request(base, method, path, body, headers, key) {
  const init = { method, headers: Object.assign({}, headers || {}) };
  if (key && !('Authorization' in init.headers)) init.headers.Authorization = 'Bearer ' + key;
  if (init.headers.Authorization === null) delete init.headers.Authorization;
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
