-- wrk script for bench/preflight.sh: POST the domain XML named by $PREFLIGHT_BODY as application/xml.
local file = assert(io.open(os.getenv("PREFLIGHT_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/xml"
