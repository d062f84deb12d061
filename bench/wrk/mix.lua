-- 90/10 read/write: 30% GET one claim, 20% claims list, 20% event
-- timeline, 20% statements, 10% POST one claim.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local claims, actors, events, sources, words
setup = c.setup
function init()
  c.init()
  claims = c.load("claims.txt"); actors = c.load("actors.txt")
  events = c.load("events.txt"); sources = c.load("sources.txt")
  words = c.load("words.txt")
end
function request()
  local r = math.random(100)
  if r <= 30 then return c.get("get", "/v1/claims/" .. c.pick(claims)) end
  if r <= 50 then
    return c.get("list", "/v1/claims?claimant=" .. c.pick(actors) .. "&limit=50")
  end
  if r <= 70 then
    return c.get("timeline", "/v1/events/" .. c.pick(events) .. "/timeline?limit=50")
  end
  if r <= 90 then
    return c.get("statements", "/v1/actors/" .. c.pick(actors) .. "/statements?limit=50")
  end
  return c.post_claim(actors, events, sources, words)
end
done = c.done
