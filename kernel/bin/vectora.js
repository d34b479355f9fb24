#!/usr/bin/env node
// The vectora CLI: `vectora start | dev | routes | doctor` (docs/cli.md). The commands live in kernel/ts/cli,
// compiled to dist/cli; this file only runs them and exits with the code they resolve. `start` resolves none
// while the app runs: the app exits with its own shutdown code.
import { main } from '../dist/cli/main.js'

const code = await main(process.argv.slice(2))
if (code !== undefined) process.exit(code)
