-- An actor's statements page of 50: a random claimant's claims in date
-- order, each with its claimant, events and source embedded.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local actors
setup = c.setup
function init() c.init(); actors = c.load("actors.txt") end
function request()
  return c.get("statements", "/v1/actors/" .. c.pick(actors) .. "/statements?limit=50")
end
done = c.done
