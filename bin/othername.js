#!/usr/bin/env node
// Launcher: runs the built CLI (npm ci builds dist/ through the prepare script).
import { main } from "../dist/cli/main.js";
import { processIo } from "../dist/cli/node-io.js";

process.exitCode = await main(process.argv.slice(2), processIo());
