#!/usr/bin/env node
// The vectora CLI (placeholder until kernel/ts/cli lands): see docs/cli.md.
console.error("vectora: the CLI is being written; see docs/cli.md")
process.exit(1)
