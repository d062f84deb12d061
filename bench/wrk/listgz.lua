-- The list scenario's page (50 claims of one random claimant), asked with
-- Accept-Encoding: gzip: compared with "list", what gzip costs in CPU and
-- saves in bytes on the wire (wrk counts the bytes as they come, without
-- decompressing).
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local actors
setup = c.setup
function init() c.init(); actors = c.load("actors.txt") end
function request()
  return wrk.format("GET", "/v1/claims?claimant=" .. c.pick(actors) .. "&limit=50",
    { ["Accept-Encoding"] = "gzip" })
end
done = c.done
