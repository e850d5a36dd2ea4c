#!/usr/bin/env node
// A committed entry point, so `pnpm install` can link the `switchyard` command before the first build.
import '../dist/cli.js';
