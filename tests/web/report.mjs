// How a web test program reports: one "ok - ..." / "not ok - ..." line a
// check (passes are printed only with VERBOSE=1 where a program makes many),
// and at the end the "N of M tests failed" line scripts/test counts, with
// the exit status.  Every program in this folder reports through here.
let failures = 0;
let passes = 0;
let quiet = false;

/* Passes are counted but not printed (programs that check thousands of
 * things); VERBOSE=1 prints them anyway. */
export function quietPasses() {
  quiet = !process.env.VERBOSE;
}

export function pass(msg) {
  passes++;
  if (!quiet) console.log(`ok - ${msg}`);
}

export function fail(msg) {
  failures++;
  console.log(`not ok - ${msg}`);
}

/* Throws `what` unless `cond`: for use inside step(). */
export function check(cond, what) {
  if (!cond) throw new Error(what);
}

/* Runs one named step: it passes unless it throws. */
export async function step(name, fn, stackLines = 6) {
  try {
    await fn();
    pass(name);
  } catch (e) {
    fail(`${name}\n  ${String(e && e.stack || e).split('\n').slice(0, stackLines).join('\n  ')}`);
  }
}

/* Stops the program's server (server.mjs) as a step of its own. */
export async function stopServer(server) {
  await step('the server stops cleanly on SIGTERM', () => server.stop());
}

/* Prints the closing line and exits: non-zero when anything failed. */
export function finish() {
  console.log(`${failures} of ${passes + failures} tests failed`);
  process.exit(failures ? 1 : 0);
}
