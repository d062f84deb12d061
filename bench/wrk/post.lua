-- POST one claim: a random claimant, event and source, a dated text.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local actors, events, sources, words
setup = c.setup
function init()
  c.init()
  actors = c.load("actors.txt"); events = c.load("events.txt")
  sources = c.load("sources.txt"); words = c.load("words.txt")
end
function request() return c.post_claim(actors, events, sources, words) end
done = c.done
