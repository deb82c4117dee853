#!/usr/bin/env node
// Entry point of `npx ndc-gateway <command>`: the compiled CLI (`npm run build`, run by `npm ci`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/tools/cli/cli-main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('ndc-gateway: the compiled CLI is missing; run `npm run build` in the project folder first');
  process.exit(2);
}
const { runCli } = await import(cli.href);
process.exitCode = await runCli(process.argv.slice(2));
