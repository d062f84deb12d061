'use strict';
/*
 * The peer: what a user might build instead of claimline — fastify and
 * better-sqlite3, one worker process per core (node:cluster), answering
 * three of claimline's reads with the same SQL on the same store file
 * (opened read-only) and the same JSON shape:
 *
 *   GET /v1/claims/:id
 *   GET /v1/claims?claimant=X&limit=N[&cursor=C]
 *   GET /v1/actors/:id/statements?limit=N[&cursor=C]
 *
 *   node server.js --db PATH [--port N] [--workers N]
 * Prints "peer listening on http://127.0.0.1:PORT" once every worker
 * listens; SIGTERM stops the workers and the primary.
 */
const cluster = require('node:cluster');
const os = require('node:os');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const dbPath = arg('--db');
const port = Number(arg('--port', '0'));
const workers = Number(arg('--workers', String(os.availableParallelism())));

if (cluster.isPrimary) {
  if (!dbPath) {
    console.error('usage: node server.js --db PATH [--port N] [--workers N]');
    process.exit(2);
  }
  // Port 0 would give every worker its own port: pick one first.
  const net = require('node:net');
  const probe = net.createServer();
  probe.listen(port, '127.0.0.1', () => {
    const chosen = probe.address().port;
    probe.close(() => {
      let ready = 0;
      for (let i = 0; i < workers; i++) {
        const w = cluster.fork({ PEER_PORT: String(chosen) });
        w.on('message', (m) => {
          if (m === 'listening' && ++ready === workers) {
            console.log(`peer listening on http://127.0.0.1:${chosen}`);
          }
        });
      }
    });
  });
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM');
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return;
}

const Database = require('better-sqlite3');
const fastify = require('fastify')({ logger: false });

const db = new Database(dbPath, { readonly: true });

// ---- the same SQL as claimline (handlers/resource.h, claims.c,
// ---- listing.c, statements.c, reading.c) ----
const COLS = 'r.seq, r.id, r.body, r.computed, r.version, r.created_at, r.updated_at';
const sql = {
  claimGet: db.prepare(`SELECT ${COLS} FROM claims AS r WHERE r.id = :k`),
  sourceGet: db.prepare(`SELECT ${COLS} FROM sources AS r WHERE r.id = :k`),
  relations: db.prepare(
    "SELECT r.id, r.type, c.id AS claim, CASE WHEN r.type IN ('contradicts', " +
    "'supports') THEN 'both' WHEN r.from_seq = :k THEN 'out' ELSE " +
    "'in' END AS direction, r.note FROM relations AS r JOIN claims AS c ON c.seq " +
    '= CASE WHEN r.from_seq = :k THEN r.to_seq ELSE r.from_seq END ' +
    'WHERE r.from_seq = :k OR r.to_seq = :k ORDER BY r.seq'),
  listByClaimant: db.prepare(
    `SELECT ${COLS} FROM claims AS r WHERE r.seq > :after AND ` +
    '(r.claimant = :claimant) ORDER BY r.seq LIMIT :limit'),
  actorExists: db.prepare('SELECT 1 FROM actors WHERE id = :k'),
  phaseDated: db.prepare(
    'SELECT r.id, r.date_lo, r.date_prec FROM claims AS r WHERE ' +
    'r.date_lo IS NOT NULL AND (r.date_lo, r.date_prec, r.id) > ' +
    '(:lo, :prec, :id) AND r.claimant = :actor ' +
    'ORDER BY r.date_lo, r.date_prec, r.id LIMIT :limit'),
  phaseUndated: db.prepare(
    'SELECT r.id, 0 AS date_lo, 0 AS date_prec FROM claims AS r WHERE ' +
    'r.date_lo IS NULL AND r.id > :id AND r.claimant = :actor ' +
    'ORDER BY r.id LIMIT :limit'),
  actorName: db.prepare("SELECT json_extract(body, '$.name') AS v FROM actors WHERE id = :k"),
  eventTitle: db.prepare("SELECT json_extract(body, '$.title') AS v FROM events WHERE id = :k"),
};
sql.phaseDated.safeIntegers(true);

// ---- representations ----
function representation(row) {
  const out = { id: row.id };
  Object.assign(out, JSON.parse(row.body));
  if (row.computed !== null) Object.assign(out, JSON.parse(row.computed));
  return out;
}

function claimRep(row) {
  const out = representation(row);
  if (!('quote_span' in out)) out.quote_span = null;
  const rels = sql.relations.all({ k: row.seq });
  let disputed = false;
  const relations = rels.map((r) => {
    if (r.type === 'contradicts') disputed = true;
    return { id: r.id, type: r.type, claim: r.claim, direction: r.direction, note: r.note };
  });
  out.disputed = disputed;
  out.relations = relations;
  out.created_at = row.created_at;
  out.updated_at = row.updated_at;
  out.version = row.version;
  return out;
}

function sourceRep(row) {
  const out = representation(row);
  out.created_at = row.created_at;
  out.updated_at = row.updated_at;
  out.version = row.version;
  return out;
}

function namedRef(stmt, key, id) {
  if (id === null || id === undefined) return null;
  const r = stmt.get({ k: id });
  if (!r) return null;
  return { id, [key]: r.v };
}

function precisionOf(date) {
  if (date === null) return null;
  if (date.length === 4) return 'year';
  if (date.length === 7) return 'month';
  if (date.length === 10) return 'day';
  return 'time';
}

function claimEntry(id) {
  const row = sql.claimGet.get({ k: id });
  if (!row) return null;
  const claim = claimRep(row);
  let source = null;
  let published = null;
  if (claim.source) {
    const srow = sql.sourceGet.get({ k: claim.source });
    if (srow) {
      const src = sourceRep(srow);
      source = { id: claim.source, title: src.title, url: src.url, published: src.published };
      published = src.published;
    }
  }
  const date = claim.stated !== null ? claim.stated : published;
  return {
    type: 'claim',
    date,
    precision: precisionOf(date),
    dated_by: claim.stated !== null ? 'stated' : published !== null ? 'source' : null,
    claim,
    claimant: namedRef(sql.actorName, 'name', claim.claimant),
    via: namedRef(sql.actorName, 'name', claim.via),
    events: claim.events.map((e) => namedRef(sql.eventTitle, 'title', e)),
    source,
  };
}

// ---- cursors: base64url of a short text, as listing.c ----
const b64 = (s) => Buffer.from(s).toString('base64url');
const unb64 = (s) => Buffer.from(s, 'base64url').toString();

function limitOf(q) {
  if (q.limit === undefined) return 50;
  const n = Number(q.limit);
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : null;
}

function problem(reply, status, detail) {
  return reply.code(status).type('application/problem+json').send({
    type: status === 404 ? '/problems/not-found' : '/problems/bad-request',
    title: status === 404 ? 'Not found' : 'Bad request',
    status,
    detail,
  });
}

function nextLink(reply, path, q, cursor) {
  const parts = Object.entries(q).filter(([k]) => k !== 'cursor')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}&`).join('');
  reply.header('Link', `<${path}?${parts}cursor=${cursor}>; rel="next"`);
}

fastify.get('/v1/claims/:id', (req, reply) => {
  const row = sql.claimGet.get({ k: req.params.id });
  if (!row) return problem(reply, 404, `no claim with id "${req.params.id}"`);
  return claimRep(row);
});

fastify.get('/v1/claims', (req, reply) => {
  const q = req.query;
  const limit = limitOf(q);
  if (limit === null || !q.claimant) return problem(reply, 400, 'claimant and limit 1-500');
  let after = 0;
  if (q.cursor) {
    const m = /^c1:(\d+)$/.exec(unb64(q.cursor));
    if (!m) return problem(reply, 400, 'the cursor is not one this server gave');
    after = Number(m[1]);
  }
  const rows = sql.listByClaimant.all({ after, claimant: q.claimant, limit: limit + 1 });
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map(claimRep);
  const next = more ? b64(`c1:${rows[limit - 1].seq}`) : null;
  if (next) nextLink(reply, '/v1/claims', q, next);
  return { items, next_cursor: next };
});

fastify.get('/v1/actors/:id/statements', (req, reply) => {
  const q = req.query;
  const actor = req.params.id;
  const limit = limitOf(q);
  if (limit === null) return problem(reply, 400, 'limit 1-500');
  if (!sql.actorExists.get({ k: actor })) return problem(reply, 404, `no actor with id "${actor}"`);
  let pos = { phase: 0, lo: -(2n ** 63n), prec: 0, id: '' };
  if (q.cursor) {
    const m = /^s1:([01]):(-?\d+):(\d+):(.+)$/.exec(unb64(q.cursor));
    if (!m) return problem(reply, 400, 'the cursor is not one this server gave');
    pos = { phase: Number(m[1]), lo: BigInt(m[2]), prec: Number(m[3]), id: m[4] };
  }
  // One snapshot for every query of the page, as claimline does.
  db.exec('BEGIN');
  try {
    let rows = [];
    if (pos.phase === 0) {
      rows = sql.phaseDated.all({ lo: pos.lo, prec: pos.prec, id: pos.id, actor, limit: limit + 1 })
        .map((r) => ({ id: r.id, phase: 0, lo: r.date_lo, prec: Number(r.date_prec) }));
    }
    if (rows.length <= limit) {
      const from = pos.phase === 1 ? pos.id : '';
      rows = rows.concat(sql.phaseUndated.all({ id: from, actor, limit: limit + 1 - rows.length })
        .map((r) => ({ id: r.id, phase: 1, lo: 0n, prec: 0 })));
    }
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map((r) => claimEntry(r.id));
    let next = null;
    if (more) {
      const at = rows[limit - 1];
      next = b64(`s1:${at.phase}:${at.lo}:${at.prec}:${at.id}`);
      nextLink(reply, `/v1/actors/${actor}/statements`, q, next);
    }
    return { items, next_cursor: next };
  } finally {
    db.exec('ROLLBACK');
  }
});

fastify.listen({ port: Number(process.env.PEER_PORT), host: '127.0.0.1' }, (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  process.send('listening');
});
process.on('SIGTERM', () => fastify.close(() => process.exit(0)));
