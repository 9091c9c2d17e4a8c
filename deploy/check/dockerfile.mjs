// Lints a Dockerfile offline with dockerfile-utils (the checks of the Docker language
// server): every problem is printed as FILE:LINE: message, and the exit status is 1 when
// there is any. Usage: node dockerfile.mjs FILE
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

const file = process.argv[2];
if (!file) {
  console.error("usage: node dockerfile.mjs FILE");
  process.exit(2);
}
const problems = validate(readFileSync(file, "utf8"));
for (const p of problems) console.error(`${file}:${p.range.start.line + 1}: ${p.message}`);
process.exit(problems.length ? 1 : 0);
