#!/usr/bin/env node
// Entry point of `npx ndc-gateway <command>`: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/cli-main.ts');
process.exitCode = await runCli(process.argv.slice(2));
