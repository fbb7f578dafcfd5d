#!/usr/bin/env node
// The optlab command: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { main } from "../build/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
