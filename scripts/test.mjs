#!/usr/bin/env node
// `npm test`: type check (and build), lint/format check, then every test, ending with a plain
// "N passed, N failed" line (Vitest's own summary is not a line CI reads).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function run(label, command, args) {
  console.log(`\n> ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.log(`\n${label} failed (exit ${result.status ?? result.signal})`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

run("build + type check", "npx", ["tsc", "-p", "tsconfig.build.json"]);
run("type check (tests included)", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
run("lint + format", "npx", ["biome", "check", "."]);

const folder = mkdtempSync(join(tmpdir(), "optlab-vitest-"));
const report = join(folder, "report.json");
console.log("\n> tests: vitest run");
const vitest = spawnSync(
  "npx",
  [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const summary = JSON.parse(readFileSync(report, "utf8"));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + (summary.numFailedTestSuites ?? 0);
  skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
rmSync(folder, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
