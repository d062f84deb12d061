-- A claims list page of 50 with a filter: one random claimant's claims.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local actors
setup = c.setup
function init() c.init(); actors = c.load("actors.txt") end
function request()
  return c.get("list", "/v1/claims?claimant=" .. c.pick(actors) .. "&limit=50")
end
done = c.done
