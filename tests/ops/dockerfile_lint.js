// Prints the diagnostics dockerfile-utils finds in the Dockerfile named on
// the command line, as a JSON array ("[]" when clean).  Like the package's
// own tools it does not judge: dockerfile_lint.sh fails on anything but [].
"use strict";
const fs = require("fs");
const { validate } = require("dockerfile-utils");

const text = fs.readFileSync(process.argv[2], "utf8");
const found = validate(text).map((d) => ({
  line: d.range.start.line + 1,
  severity: d.severity,
  code: d.code,
  message: d.message,
}));
process.stdout.write(JSON.stringify(found) + "\n");
