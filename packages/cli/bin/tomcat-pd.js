#!/usr/bin/env node
// A checked-in shim: pnpm links bins before anything is built.
import '../dist/cli.mjs';
