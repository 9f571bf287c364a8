#!/usr/bin/env node
// The only file that touches the process: everything below returns an exit code.
import { run } from '../dist/cli/main.js';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
});
process.exitCode = code;
